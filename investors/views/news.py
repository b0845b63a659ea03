"""The public news pages: the archive, one release, its files.

Anything not public answers the same 404 as an address that never existed; a
withdrawn release answers 410.
"""

import re
import zoneinfo
from dataclasses import dataclass
from datetime import MINYEAR

from django.core.paginator import InvalidPage, Paginator
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.views.generic import TemplateView

from company.files import download, inline_image
from company.middleware import request_company
from filings.selectors import carrying_report
from irportal.workflow.models import State
from releases.models import Release, ReleaseAttachment, ReleaseImage
from releases.selectors import (
    newest_public_ids,
    public_document,
    public_documents,
    public_ids_in_span,
    public_release,
    public_since_ends,
    search_public,
    year_span,
)

PAGE_SIZE = 20
# Without a year (and without a search) the archive lists the newest this many releases; each year lists all of
# its own. So no page reads further into the history than this, however long it is.
ALL_YEARS_SHOWN = 1000
MAX_QUERY_LENGTH = 200
_CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f]+")


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


class NewsListView(TemplateView):
    """The archive: newest first, by year, searchable, paginated; a page that does not exist answers 404."""

    template_name = "public/news/list.html"

    def get(self, request, *args, **kwargs):
        context = self.get_context_data(**kwargs)
        return self.render_to_response(context, status=404 if context["page"] is None else 200)

    def get_context_data(self, **kwargs):
        now = timezone.now()
        zone = request_company(self.request).zone
        years = _years(now, zone)
        year = self.request.GET.get("year", "")
        if not (year.isdigit() and len(year) == 4 and int(year) >= MINYEAR):  # "0000" is no year a date can have
            year = ""
        search = clean_search_text(self.request.GET.get("q", ""))
        capped = not year and not search.text
        paginator = Paginator(_listed(now, zone, years, int(year) if year else None, search.text), PAGE_SIZE)
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
            older_by_year=capped and page is not None and not page.has_next() and paginator.count == ALL_YEARS_SHOWN,
            q=search.text,
            query_shortened=search.shortened,
            max_query_length=MAX_QUERY_LENGTH,
            **kwargs,
        )


def _years(now, zone) -> list[int]:
    """Every year from the newest public release's to the oldest's in company time, newest first: the two ends of
    an index."""
    first, last = public_since_ends(now)
    if first is None:
        return []
    return list(range(last.astimezone(zone).year, first.astimezone(zone).year - 1, -1))


def _listed(now, zone, years: list[int], year: int | None, text: str):
    """The ids of the releases the archive lists, newest first (the best match first for a search): the newest
    ``ALL_YEARS_SHOWN`` without a year or a search, else those that became public in the year (company time); none
    in a year outside ``years``."""
    if year is not None and year not in years:
        return []
    span = year_span(year, zone) if year is not None else None
    if not text:
        return public_ids_in_span(now, span) if span else newest_public_ids(now, ALL_YEARS_SHOWN)
    releases = Release.objects.public_newest_first(now)
    if span is not None:
        releases = releases.filter(public_since_at__gte=span[0], public_since_at__lt=span[1])
    return search_public(releases, text, now).values_list("pk", flat=True)


def _public_release(slug: str) -> Release:
    release = public_release(slug)
    if release is None:
        raise Http404("No release at this address")
    return release


def news_detail(request, slug):
    now = timezone.now()
    release = _public_release(slug)
    if release.status == State.WITHDRAWN and release.live_revision_id:
        return render(request, "public/news/withdrawn.html", {"release": release}, status=410)
    doc = public_document(release, now)
    if doc is None:
        raise Http404("No release at this address")
    company = request_company(request)
    return render(
        request, "public/news/detail.html", {"doc": doc, "company": company, "sec_filing": _carried_by(company, doc)}
    )


def _carried_by(company, doc):
    """The 8-K that carried the release as an exhibit, filed the day it became public (company time)."""
    if not company.cik or doc.release.public_since is None:
        return None
    day = doc.release.public_since.astimezone(zoneinfo.ZoneInfo(company.home_time_zone)).date()
    return carrying_report(company.cik, day, doc.headline)


def news_file(request, slug, token, rendition):
    """An image or attachment, only while a public revision of its release includes it."""
    release = _public_release(slug)
    doc = public_document(release, timezone.now())
    if doc is None:
        raise Http404("No such file")
    if token in {image["token"] for image in doc.images} and rendition in {"large", "thumbnail"}:
        image = ReleaseImage.objects.get(release=release, token=token)
        return inline_image(getattr(image, rendition), private=False)
    if token in {attachment["token"] for attachment in doc.attachments} and rendition == "file":
        attachment = ReleaseAttachment.objects.get(release=release, token=token)
        return download(attachment.file, format="pdf", name=attachment.title, private=False)
    raise Http404("No such file")
