"""The public news pages: the archive, one release, its files, the RSS feed.

Visibility is decided here, at read time, from the release's columns and
now: an approved release is public from ``publish_at`` to the second, with
or without the sweep. Anything not public answers the same 404 as an address
that never existed; a withdrawn release answers 410.
"""

from django.core.paginator import Paginator
from django.db.models.functions import ExtractYear
from django.http import FileResponse, Http404
from django.shortcuts import render
from django.utils import timezone
from django.views.generic import TemplateView

from irportal.workflow.models import State
from releases.content import ReleaseDocument
from releases.models import Release, ReleaseAttachment, ReleaseImage

PAGE_SIZE = 20


def public_document(release: Release, now) -> ReleaseDocument | None:
    revision = release.public_revision(now)
    if revision is None:
        return None
    return ReleaseDocument(revision.content, release=release, revision=revision)


class NewsListView(TemplateView):
    template_name = "public/news/list.html"

    def get_context_data(self, **kwargs):
        now = timezone.now()
        releases = Release.objects.public_newest_first(now)
        years = sorted(
            {year for year in releases.annotate(year=ExtractYear("public_since_at")).values_list("year", flat=True)},
            reverse=True,
        )
        year = self.request.GET.get("year", "")
        if year.isdigit() and len(year) == 4:
            releases = releases.filter(public_since_at__year=int(year))
        else:
            year = ""
        page = Paginator(releases, PAGE_SIZE).get_page(self.request.GET.get("page"))
        documents = [public_document(release, now) for release in page.object_list]
        return super().get_context_data(page=page, documents=documents, years=years, year=year, **kwargs)


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
