"""The public news pages: the archive, one release, its files, the RSS feed.

Visibility is decided here, at read time, from the release's columns and
now: an approved release is public from ``publish_at`` to the second, with
or without the sweep. Anything not public answers the same 404 as an address
that never existed; a withdrawn release answers 410.
"""

import re
from dataclasses import dataclass
from datetime import MINYEAR

from django.core.paginator import InvalidPage, Paginator
from django.db import connection
from django.db.models import BooleanField, Case, F, FloatField, OuterRef, Q, Subquery, When
from django.db.models.expressions import RawSQL
from django.db.models.functions import ExtractYear
from django.http import FileResponse, Http404
from django.shortcuts import render
from django.utils import timezone
from django.views.generic import TemplateView

from irportal.db import PreparedQuery
from irportal.workflow.models import State, due_approval, public_contents
from releases.content import ReleaseDocument
from releases.models import Release, ReleaseAttachment, ReleaseImage, ReleaseRevision

PAGE_SIZE = 20
MAX_QUERY_LENGTH = 200
MAX_PLAIN_TERMS = 8
_CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f]+")


def next_publication(now):
    """The next embargo to lift after ``now``: when the public pages next change by themselves."""
    return (
        Release.objects.filter(status=State.APPROVED, publish_at__gt=now, approved_revision__isnull=False)
        .order_by("publish_at")
        .values_list("publish_at", flat=True)
        .first()
    )


def _text_contains(prefix: str, text: str) -> Q:
    """Every word of ``text`` in the headline, subheadline or body (at most ``MAX_PLAIN_TERMS`` words)."""
    words = list(dict.fromkeys(text.lower().split()))[:MAX_PLAIN_TERMS]
    condition = Q()
    for word in words:
        condition &= (
            Q(**{f"{prefix}__content__headline__icontains": word})
            | Q(**{f"{prefix}__content__subheadline__icontains": word})
            | Q(**{f"{prefix}__content__body__icontains": word})
        )
    return condition


def search_public(releases, text: str, now):
    """Public releases whose public revision matches ``text``.

    On PostgreSQL: full-text search, best match first. Elsewhere: a plain
    case-insensitive match, newest first. Only the revision the public reads
    is searched, never an unpublished correction.
    """
    due = due_approval(now)
    if connection.vendor != "postgresql":
        return releases.filter(
            (due & _text_contains("approved_revision", text)) | (~due & _text_contains("live_revision", text))
        )
    public_revision = Case(When(due, then=F("approved_revision_id")), default=F("live_revision_id"))
    return (
        releases.annotate(public_revision_id=public_revision)
        .filter(public_revision_id__in=ReleaseRevision.objects.filter(_matches(text)).values("pk"))
        .annotate(
            rank=Subquery(
                ReleaseRevision.objects.filter(pk=OuterRef("public_revision_id"))
                .annotate(rank=_rank(text))
                .values("rank")[:1]
            )
        )
        .order_by("-rank", "-public_since_at", "-pk")
    )


# On PostgreSQL each revision carries ``search_document``, a generated tsvector
# column with a GIN index (migration releases 0003). The SQL is constant; the
# visitor's text is always a query parameter.
MATCH_SQL = "search_document @@ websearch_to_tsquery('english'::regconfig, %s)"
RANK_SQL = "ts_rank(search_document, websearch_to_tsquery('english'::regconfig, %s))"


def _matches(text: str) -> RawSQL:
    return RawSQL(MATCH_SQL, [text], BooleanField())  # noqa: S611 - constant SQL, text as a parameter


def _rank(text: str) -> RawSQL:
    return RawSQL(RANK_SQL, [text], FloatField())  # noqa: S611 - constant SQL, text as a parameter


@dataclass
class SearchText:
    text: str
    shortened: bool


def clean_search_text(raw: str) -> SearchText:
    """What a visitor typed, without control characters, at most ``MAX_QUERY_LENGTH`` characters."""
    text = " ".join(_CONTROL_CHARACTERS.sub(" ", raw).split())
    if len(text) <= MAX_QUERY_LENGTH:
        return SearchText(text=text, shortened=False)
    shortened = text[: MAX_QUERY_LENGTH + 1]
    # Cut between words, so the last word is not searched for half-typed.
    shortened = shortened.rsplit(" ", 1)[0] if " " in shortened else shortened[:MAX_QUERY_LENGTH]
    return SearchText(text=shortened.strip(), shortened=True)


def public_document(release: Release, now) -> ReleaseDocument | None:
    revision = release.public_revision(now)
    if revision is None:
        return None
    return ReleaseDocument(revision.content, release=release, revision=revision)


def public_documents(release_ids, now) -> list[ReleaseDocument]:
    """The public documents of these releases, in this order, read in one query.

    Lists choose and order their releases by id first (no revision content is
    read for the thousands of releases they sort), then read the few shown.
    """
    ids = list(release_ids)
    releases = Release.objects.filter(pk__in=ids).for_public_documents().in_bulk()
    documents = (public_document(releases[pk], now) for pk in ids if pk in releases)
    return [document for document in documents if document is not None]


LATEST_COUNT = 5
# What a short list of the newest releases reads besides the public revision's headline: the address and dates.
LATEST_COLUMNS = ("id", "slug", "publish_at", "first_published_at", "last_published_at")
_LATEST = PreparedQuery(
    Release,
    lambda now: Release.objects.public_newest_first(now).values_with_public_content(LATEST_COLUMNS, now, "headline")[
        :LATEST_COUNT
    ],
)


def latest_public_documents(now) -> list[ReleaseDocument]:
    """The newest public releases, for the Investor page: their documents carry the headline only."""
    return [
        ReleaseDocument({"headline": headline}, release=release)
        for release, headline in public_contents(Release, LATEST_COLUMNS, _LATEST.rows(now)[0])
    ]


class NewsListView(TemplateView):
    """The archive: newest first, by year, searchable, paginated; a page that does not exist answers 404."""

    template_name = "public/news/list.html"

    def get(self, request, *args, **kwargs):
        context = self.get_context_data(**kwargs)
        return self.render_to_response(context, status=404 if context["page"] is None else 200)

    def get_context_data(self, **kwargs):
        now = timezone.now()
        releases = Release.objects.public_newest_first(now)
        years = list(
            releases.annotate(year=ExtractYear("public_since_at"))
            .values_list("year", flat=True)
            .distinct()
            .order_by("-year")
        )
        year = self.request.GET.get("year", "")
        if year.isdigit() and len(year) == 4 and int(year) >= MINYEAR:  # "0000" is no year a date can have
            releases = releases.filter(public_since_at__year=int(year))
        else:
            year = ""
        search = clean_search_text(self.request.GET.get("q", ""))
        if search.text:
            releases = search_public(releases, search.text, now)
        paginator = Paginator(releases.values_list("pk", flat=True), PAGE_SIZE)
        try:
            page = paginator.page(self.request.GET.get("page") or 1)
        except InvalidPage:
            page = None
        documents = public_documents(page.object_list, now) if page else []
        return super().get_context_data(
            page=page,
            paginator=paginator,
            documents=documents,
            years=years,
            year=year,
            q=search.text,
            query_shortened=search.shortened,
            max_query_length=MAX_QUERY_LENGTH,
            **kwargs,
        )


def _public_release(slug: str, now) -> Release:
    release = Release.objects.filter(slug=slug).select_related("live_revision", "approved_revision").first()
    if release is None:
        raise Http404("No release at this address")
    return release


def news_detail(request, slug):
    now = timezone.now()
    release = _public_release(slug, now)
    if release.status == State.WITHDRAWN and release.live_revision_id:
        return render(request, "public/news/withdrawn.html", {"release": release}, status=410)
    doc = public_document(release, now)
    if doc is None:
        raise Http404("No release at this address")
    return render(request, "public/news/detail.html", {"doc": doc, "image_base": f"{release.get_absolute_url()}files/"})


def news_file(request, slug, token, rendition):
    """An image or attachment, only while a public revision of its release includes it."""
    now = timezone.now()
    release = _public_release(slug, now)
    doc = public_document(release, now)
    if doc is None:
        raise Http404("No such file")
    if token in {image["token"] for image in doc.images} and rendition in {"large", "thumbnail"}:
        image = ReleaseImage.objects.get(release=release, token=token)
        return FileResponse(getattr(image, rendition).open("rb"))
    if token in {attachment["token"] for attachment in doc.attachments} and rendition == "file":
        attachment = ReleaseAttachment.objects.get(release=release, token=token)
        return FileResponse(attachment.file.open("rb"), as_attachment=True, filename=f"{attachment.title}.pdf")
    raise Http404("No such file")
