"""A release's content as one JSON snapshot, and how the public page reads it back.

The snapshot is what a revision stores and hashes; the public page, the feed
and the staff preview all render from it, so they show exactly the approved
words, contacts and boilerplate as they were when approved.
"""

from datetime import date

from django.utils.html import format_html
from django.utils.safestring import mark_safe

from company.timefmt import date_text, in_french
from irportal.workflow.models import SnapshotDocument, State
from releases.models import MediaContact, Release


def _boilerplate(version) -> dict | None:
    return version.snapshot() if version is not None else None


def release_content(release: Release) -> dict:
    return {
        "slug": release.slug,
        "headline": release.headline,
        "subheadline": release.subheadline,
        "highlights": list(release.highlights or []),
        "dateline": {
            "city": release.dateline_city,
            "region": release.dateline_region,
            "date": release.release_date.isoformat(),
            "distribution": release.distribution,
        },
        "body": release.body,
        "about": _boilerplate(release.about),
        "safe_harbor": _boilerplate(release.safe_harbor),
        "contacts": [contact.snapshot() for contact in release.contacts.order_by("audience", "order", "name")],
        "images": [image.snapshot() for image in release.images.filter(removed=False)],
        "attachments": [attachment.snapshot() for attachment in release.attachments.filter(removed=False)],
        # Only when set, so that the content (and hash) of every release that goes on the wire is as before.
        **({"website_only": True} if release.website_only else {}),
    }


class ReleaseDocument(SnapshotDocument):
    """A release snapshot for templates: ``doc.headline``, ``doc.wire_dateline`` and so on.

    ``file_base`` is where its images and documents are served: the public
    address (which checks publication) or the staff console's.
    """

    def __init__(
        self,
        content: dict,
        *,
        release: Release | None = None,
        revision=None,
        revision_id: int | None = None,
        url: str = "",
        file_base: str = "",
    ):
        super().__init__(content)
        self.release = release
        self.revision = revision
        # The id of the revision shown: the revision's, or given alone by a list that read only its content.
        self.revision_id = revision.pk if revision is not None else revision_id
        self._url = url
        self._file_base = file_base

    @property
    def url(self) -> str:
        """The public address: given by a list, which reverses it once for all its releases, or the release's."""
        return self._url or self.release.get_absolute_url()

    @property
    def file_base(self) -> str:
        """Given, or the public address's ``files/``, worked out only for a page that shows the files."""
        if self._file_base or self.release is None:
            return self._file_base
        return f"{self.url}files/"

    @property
    def release_date(self) -> date:
        return date.fromisoformat(self.content["dateline"]["date"])

    @property
    def wire_dateline(self) -> str:
        """``PHOENIX, Ariz., Nov. 30, 2026 (BUSINESS WIRE) --``; in French as a Canadian wire writes it,
        ``MONTRÉAL, Québec, le 11 décembre 2026 /CNW/ --``."""
        dateline = self.content["dateline"]
        place = f"{dateline['city'].upper()}, {dateline['region']}"
        if in_french():
            return f"{place}, le {date_text(self.release_date)} /{dateline['distribution']}/ --"
        return f"{place}, {date_text(self.release_date)} ({dateline['distribution']}) --"

    @property
    def body_with_dateline(self) -> str:
        """The body with the wire dateline opening its first paragraph, as the wire prints it."""
        dateline = format_html("<strong>{}</strong> ", self.wire_dateline)
        body = self.content["body"]
        if body.startswith("<p>"):
            return mark_safe("<p>" + dateline + body[3:])  # noqa: S308 - body was sanitised on save
        return mark_safe(format_html("<p>{}</p>", dateline) + body)  # noqa: S308 - body was sanitised on save

    @property
    def published_at(self):
        """When the revision shown goes or went public: for the approved revision, its embargo or its gate's
        opening (the public reads it from that second, before the sweep marks it published as after); else the
        last publication."""
        release = self.release
        if release is None:
            return None
        if (
            release.status == State.APPROVED
            and self.revision_id is not None
            and self.revision_id == release.approved_revision_id
        ):
            return release.opens_at or release.publish_at
        return release.last_published_at

    @property
    def is_correction(self) -> bool:
        release = self.release
        return bool(release and release.first_published_at and self.published_at != release.first_published_at)

    @property
    def contact_groups(self):
        return MediaContact.group_by_audience(self.content["contacts"])
