"""A document's content as one JSON snapshot, and how pages read it back.

The snapshot is what a revision stores and hashes: the title, the fiscal
period with its name and end date as they were worked out when it was saved,
the files with their SHA-256 (so an approval covers the exact bytes), the
links. ``DocumentContent`` gives templates what they print; what it says
about the linked release and event is resolved by the caller (public pages:
only what is public at that moment; the staff console: everything, with its
state).
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field

from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext

from company.fiscal import FiscalYearEnd, period_label
from company.models import CompanyProfile
from company.timefmt import date_text
from irportal.workflow.models import SnapshotDocument
from reports.models import GOVERNANCE_KINDS, Document, DocumentFile


def document_content(document: Document, fiscal_year_end: FiscalYearEnd | None = None) -> dict:
    fiscal_year_end = fiscal_year_end or CompanyProfile.load().fiscal_year_end
    files = list(document.files.filter(removed=False))
    mains = {item.language: item for item in files if item.role == DocumentFile.Role.MAIN}
    main = mains.pop("", None)
    release, event = document.release, document.event
    # A main document written in a secondary language replaces the main one on that language's pages (the text of
    # each language joins it in the revision's ``translations``: ``irportal.workflow.engine.content_snapshot``).
    in_languages = {language: {"main_file": item.snapshot()} for language, item in sorted(mains.items())}
    return {
        "slug": document.slug,
        "kind": document.kind,
        "title": document.title,
        "summary": document.summary,
        "fiscal_year": document.fiscal_year,
        "fiscal_quarter": document.fiscal_quarter,
        "period": {
            "label": period_label(document.fiscal_year, document.fiscal_quarter),
            "ends_on": fiscal_year_end.period_end(document.fiscal_year, document.fiscal_quarter).isoformat(),
        },
        "document_date": document.document_date.isoformat(),
        "main_file": main.snapshot() if main else None,
        "supplementary": [item.snapshot() for item in files if item.role == DocumentFile.Role.SUPPLEMENTARY],
        "release": {"id": release.pk, "headline": release.headline} if release else None,
        "event": {"id": event.pk, "title": event.title} if event else None,
        "filings": [{"label": filing["label"], "url": filing["url"]} for filing in document.filings or []],
        **({"translations": in_languages} if in_languages else {}),
    }


# What stands for a document's slug in its address until the document's is put in (nothing that escaping changes).
_SLUG = "document-slug"


def document_address() -> Callable[[str], str]:
    """The public address of a document by its slug (letters, digits, hyphens and underscores, which stand in it as
    they are), as ``Document.get_absolute_url`` gives it, from the address reversed once for a whole list."""
    head, tail = reverse("documents:detail", args=[_SLUG]).rsplit(_SLUG, 1)
    return lambda slug: f"{head}{slug}{tail}"


@dataclass(frozen=True)
class Link:
    """A linked release or event as a page shows it: where it is, what it is called, and (staff) its state."""

    url: str
    title: str
    note: str = ""
    event_doc: object = None  # the public EventDocument, for the webcast and replay


@dataclass
class FileView:
    """One file of the document as a page offers it."""

    token: str
    label: str
    format: str
    size: int
    pages: int | None
    url: str
    thumbnail_url: str = ""
    thumbnail_state: str = ""
    thumbnail_error: str = ""


@dataclass
class Resolved:
    """What the content's ids point to at the moment a page is made."""

    files: dict = field(default_factory=dict)  # token -> DocumentFile or a row of its thumbnail facts (all read)
    release: Link | None = None
    event: Link | None = None


class DocumentContent(SnapshotDocument):
    """Read access for templates: ``doc.title``, ``doc.period_label``, ``doc.main``, ``doc.release``...

    ``file_base`` is where its files are served: the public address (which
    checks publication, the default) or the staff console's. ``url``, its
    public address when the caller has it (a list puts each slug in the one
    address ``document_address`` reversed), else reversed when it is read from ``document``, which a list that
    gives each document's ``url`` need not read.
    """

    def __init__(
        self,
        content: dict,
        *,
        document: Document | None = None,
        url: str | None = None,
        file_base: str | None = None,
        resolved: Resolved | None = None,
    ):
        super().__init__(content)
        self.document = document
        if url is not None:
            self.url = url
        self.file_base = f"{self.url}files/" if file_base is None else file_base
        self.resolved = resolved or Resolved()

    @cached_property
    def url(self) -> str:
        return self.document.get_absolute_url()

    @property
    def kind_label(self) -> str:
        return Document.Kind(self.content["kind"]).label

    @property
    def is_governance(self) -> bool:
        """A charter, code of conduct, bylaws or policy: named and dated, with no fiscal period to show."""
        return self.content["kind"] in GOVERNANCE_KINDS

    @property
    def heading(self) -> str:
        return self.content["title"] if self.is_governance else f"{self.period_label} {self.content['title']}"

    @property
    def period_label(self) -> str:
        return self.content["period"]["label"]

    @property
    def period_ends_on(self) -> datetime.date:
        return datetime.date.fromisoformat(self.content["period"]["ends_on"])

    @property
    def period_text(self) -> str:
        """``Q3 FY2026, quarter ended Sept. 30, 2026`` (or ``fiscal year ended``)."""
        values = {"period": self.period_label, "date": date_text(self.period_ends_on)}
        if self.content["fiscal_quarter"] is None:
            return gettext("%(period)s, fiscal year ended %(date)s") % values
        return gettext("%(period)s, quarter ended %(date)s") % values

    @property
    def date(self) -> datetime.date:
        return datetime.date.fromisoformat(self.content["document_date"])

    @property
    def date_text(self) -> str:
        return date_text(self.date)

    def _file(self, snapshot: dict) -> FileView:
        stored = self.resolved.files.get(snapshot["token"])
        view = FileView(
            token=snapshot["token"],
            label=snapshot["label"],
            format=snapshot["format"],
            size=snapshot["size"],
            pages=snapshot["pages"],
            url=f"{self.file_base}{snapshot['token']}/file",
        )
        if stored is not None:
            view.thumbnail_state = stored.thumbnail_state
            view.thumbnail_error = stored.thumbnail_error
            if stored.thumbnail_state == DocumentFile.Thumbnail.READY:
                view.thumbnail_url = f"{self.file_base}{snapshot['token']}/thumbnail"
        return view

    @property
    def main(self) -> FileView | None:
        return self._file(self.content["main_file"]) if self.content["main_file"] else None

    @property
    def supplementary_files(self) -> list[FileView]:
        return [self._file(snapshot) for snapshot in self.content["supplementary"]]

    @property
    def release(self) -> Link | None:
        return self.resolved.release

    @property
    def event(self) -> Link | None:
        return self.resolved.event

    def tokens(self) -> set[str]:
        """The tokens of every file this revision names, in every language: only those are served at its
        address."""
        mains = [self.content["main_file"]]
        mains += [text.get("main_file") for text in (self.content.get("translations") or {}).values()]
        tokens = {item["token"] for item in self.content["supplementary"]}
        return tokens | {main["token"] for main in mains if main}
