"""Reads of documents: what the public reads at a moment, in the lists the public site shows.

Visibility is decided at read time from the document's columns and ``now``
(``Document.objects.public(now)``): an approved document is public from its
``publish_at`` to the second, with or without the sweep. The lists sort and
group by the columns of the revision the public reads (approved past its
embargo, else live), never by the working copy. Each list reads a fixed
number of queries whatever the number of documents: the ids of one page,
the content of the revision the public reads of each, then, for the pages
that show them, their files' thumbnails, releases and events in one query
each (the financials page reads its quarters' documents with their content).
"""

import json
from dataclasses import dataclass, field
from datetime import date, datetime

from django.core.paginator import Paginator
from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext

from company.models import CompanyProfile
from company.numfmt import file_size_writer
from events import selectors as event_selectors
from irportal.workflow import languages
from irportal.workflow.models import (
    PUBLIC_STATE_FIELDS,
    State,
    public_revision_column,
    public_revision_id_sql,
    public_sql,
    public_sql_parameters,
)
from releases.selectors import public_documents as public_release_documents
from reports.content import DocumentContent, FileView, Link, Resolved, document_address
from reports.models import GOVERNANCE_KINDS, Document, DocumentFile

Kind = Document.Kind
REPORT_KINDS = (Kind.ANNUAL_REPORT, Kind.PROXY_STATEMENT, Kind.FACT_SHEET, Kind.OTHER)
# What the financials section (results by quarter, annual reports and proxy materials) lists.
FINANCIAL_KINDS = (Kind.QUARTERLY_RESULTS, *REPORT_KINDS)
# In a quarter's block, in this order.
QUARTER_ORDER = [Kind.QUARTERLY_RESULTS, Kind.PRESENTATION, Kind.FACT_SHEET, Kind.OTHER]
FINANCIAL_YEARS_SHOWN = 3
REPORTS_PAGE_SIZE = 20
PRESENTATIONS_PAGE_SIZE = 24


# The sort and group columns of the revision the public reads, as the aliases ``public`` can give them.
_PUBLIC_COLUMNS = {
    "public_kind": "kind",
    "public_year": "fiscal_year",
    "public_quarter": "fiscal_quarter",
    "public_date": "document_date",
    "public_event": "event_id",
}


def public(now: datetime, *aliases: str):
    """Public documents, with the named sort and group columns of the revision the public reads (``aliases``, of
    ``_PUBLIC_COLUMNS``) as aliases, read in ``filter`` and ``order_by``: each is an expression for the ORM to
    build, so a reader names only those it reads."""
    columns = {name: public_revision_column(_PUBLIC_COLUMNS[name], now) for name in aliases}
    return Document.objects.public(now).alias(**columns)


# -- documents as pages show them ----------------------------------------------------------------


def _public_link_targets(contents: list[dict], now: datetime) -> tuple[dict, dict]:
    """The linked releases and events that are public at ``now``, as links, by id (two queries)."""
    release_ids = {content["release"]["id"] for content in contents if content["release"]}
    event_ids = {content["event"]["id"] for content in contents if content["event"]}
    releases = {
        doc.release.pk: Link(doc.release.get_absolute_url(), doc.headline)
        for doc in (public_release_documents(release_ids, now) if release_ids else [])
    }
    events = {}
    if event_ids:
        home_zone = CompanyProfile.load().home_time_zone
        for event in event_selectors.public_events(now).filter(pk__in=event_ids):
            doc = event_selectors.document(event, now=now, home_zone=home_zone)
            if doc is not None:
                events[event.pk] = Link(doc.url, doc.title, event_doc=doc)
    return releases, events


def _files_by_token(tokens) -> dict:
    """The files these revisions name, with their thumbnails' state, as rows (one query; none for no tokens)."""
    if not tokens:
        return {}
    files = DocumentFile.objects.filter(token__in=tokens).values_list(
        "token", "thumbnail_state", "thumbnail_error", named=True
    )
    return {item.token: item for item in files}


def public_contents(documents, now: datetime, *, links: bool = True, thumbnails: bool = True) -> list[DocumentContent]:
    """What the public reads of each of ``documents`` (read by ``_with_public_content``), with its linked release and
    event resolved (``links``) and its files' thumbnail state read (``thumbnails``), for the pages that show them."""
    # In the page's language: its title and summary, and its own main PDF when it has one.
    language = languages.active()
    pairs = [
        (document, languages.localized(document.public_content, language))
        for document in documents
        # What ``public_revision`` leaves out: a withdrawn document, one without the revision the public reads.
        if document.status != State.WITHDRAWN and document.public_content is not None
    ]
    contents = [content for _, content in pairs]
    releases, events = _public_link_targets(contents, now) if links else ({}, {})
    tokens = set()
    for content in contents if thumbnails else ():
        tokens |= {item["token"] for item in content["supplementary"]}
        tokens |= {content["main_file"]["token"]} if content["main_file"] else set()
    files = _files_by_token(tokens)
    address = document_address()
    return [
        DocumentContent(
            content,
            document=document,
            url=address(document.slug),
            resolved=Resolved(
                files=files,
                release=releases.get((content["release"] or {}).get("id")),
                event=events.get((content["event"] or {}).get("id")),
            ),
        )
        for document, content in pairs
    ]


def _with_public_content(documents, now: datetime):
    """``documents`` as ``public_contents`` reads them: their slug and state, with the content of the revision the
    public reads at ``now`` as one column (``public_content``), not both revisions as models."""
    return documents.only("slug", "status").annotate(public_content=public_revision_column("content", now))


def _contents_in_order(ids: list[int], now: datetime, **shown) -> list[DocumentContent]:
    """The public contents of the documents ``ids``, in that order (``shown``: what ``public_contents`` reads)."""
    documents = _with_public_content(Document.objects.filter(pk__in=ids), now).in_bulk()
    return public_contents([documents[pk] for pk in ids if pk in documents], now, **shown)


def _public_one(documents, now: datetime) -> DocumentContent | None:
    contents = public_contents(_with_public_content(documents, now)[:1], now)
    return contents[0] if contents else None


def public_document(slug: str, now: datetime) -> DocumentContent | None:
    return _public_one(Document.objects.filter(slug=slug), now)


def public_document_by_id(pk: int, now: datetime) -> DocumentContent | None:
    return _public_one(Document.objects.filter(pk=pk), now)


def withdrawn_document(slug: str) -> Document | None:
    """A document that was public and has been withdrawn: its address answers 410, not 404."""
    return Document.objects.filter(slug=slug, status=State.WITHDRAWN, live_revision__isnull=False).first()


# -- the financials page: quarters by fiscal year ------------------------------------------------


@dataclass
class Entry:
    """A document (or a supplementary file) as a quarter's block lists it, with the words it shows before its link
    and its main file's size written once in the financials page's one pass over its documents."""

    item: DocumentContent | FileView
    label: str = ""
    main: FileView | None = None
    size: str = ""


@dataclass
class Quarter:
    """One quarter of a fiscal year as the financials page shows it: everything that belongs to it."""

    fiscal_year: int
    quarter: int
    documents: list[DocumentContent] = field(default_factory=list)
    results: list[Entry] = field(default_factory=list)
    presentations: list[Entry] = field(default_factory=list)
    others: list[Entry] = field(default_factory=list)
    supplementary: list[Entry] = field(default_factory=list)

    @property
    def label(self) -> str:
        return f"Q{self.quarter} FY{self.fiscal_year}"

    @property
    def anchor(self) -> str:
        return f"q{self.quarter}-fy{self.fiscal_year}"

    @property
    def ends_on(self) -> date:
        return self.documents[0].period_ends_on

    @property
    def ended(self) -> bool:
        """Whether the quarter is over (a company may publish an outlook or slides before it is)."""
        return self.ends_on < timezone.localdate()

    @property
    def release(self) -> Link | None:
        return next((doc.release for doc in self.documents if doc.release), None)

    @property
    def event(self) -> Link | None:
        return next((doc.event for doc in self.documents if doc.event), None)

    @property
    def filings(self) -> list[dict]:
        seen, filings = set(), []
        for doc in self.documents:
            for filing in doc.filings:
                if filing["url"] not in seen:
                    seen.add(filing["url"])
                    filings.append(filing)
        return filings

    def write(self, labels: dict[str, str], size) -> None:
        """Sort the quarter's documents into its lists, each kind's label (``labels``, translated once a page) and
        each file's size (``size``, a page's ``file_size_writer``) written here rather than by the template for each
        document."""
        for doc in self.documents:
            kind = doc.content["kind"]
            if kind == Kind.PRESENTATION:
                self.presentations.append(Entry(doc, main=doc.main))
            elif kind == Kind.QUARTERLY_RESULTS:
                main = doc.main
                self.results.append(Entry(doc, labels[kind], main, size(main.size) if main else ""))
            elif kind in (Kind.FACT_SHEET, Kind.OTHER):
                self.others.append(Entry(doc, labels[kind]))
            self.supplementary += [Entry(item, size=size(item.size)) for item in doc.supplementary_files]


# The financials page's fiscal years and the documents of those it shows, in one reviewed statement each (plain SQL,
# PostgreSQL and SQLite alike), as ``EVENT_SLIDES_SQL`` reads its list: the published documents of a quarter by their
# row (which holds their live revision's columns: an edit takes a document back to draft), the few in the workflow
# (an approval or a correction pending) by the revision the public reads (``public_revision_id_sql``). The ORM built
# three conditional expressions of the public rule for each.
# tests/investors/test_documents.py holds them to the ORM's reading at many moments.
FINANCIAL_YEARS_SQL = f"""
SELECT d.fiscal_year
FROM reports_document d
WHERE d.status = %(published)s AND d.live_revision_id IS NOT NULL AND d.fiscal_quarter IS NOT NULL
UNION
SELECT r.fiscal_year
FROM reports_document d
JOIN reports_documentrevision r ON r.id = {public_revision_id_sql("d")}
WHERE d.status IN (%(draft)s, %(in_review)s, %(approved)s) AND {public_sql("d")} AND r.fiscal_quarter IS NOT NULL
"""  # noqa: S608 - made of the statement's own parts; every value is a parameter
# ``{years}``: a parameter for each fiscal year shown (``%(year0)s, %(year1)s``...).
FINANCIAL_QUARTERS_SQL = f"""
SELECT listed.id, listed.slug, listed.status, listed.public_content
FROM (
    SELECT d.id, d.slug, d.status, r.content AS public_content, d.fiscal_year, d.fiscal_quarter, d.document_date
    FROM reports_document d
    JOIN reports_documentrevision r ON r.id = d.live_revision_id
    WHERE d.status = %(published)s AND d.fiscal_quarter IS NOT NULL AND d.fiscal_year IN ({{years}})
    UNION ALL
    SELECT d.id, d.slug, d.status, r.content, r.fiscal_year, r.fiscal_quarter, r.document_date
    FROM reports_document d
    JOIN reports_documentrevision r ON r.id = {public_revision_id_sql("d")}
    WHERE d.status IN (%(draft)s, %(in_review)s, %(approved)s) AND {public_sql("d")}
      AND r.fiscal_quarter IS NOT NULL AND r.fiscal_year IN ({{years}})
) listed
ORDER BY listed.fiscal_year DESC, listed.fiscal_quarter DESC, listed.document_date DESC, listed.id DESC
"""  # noqa: S608 - made of the statement's own parts; every value is a parameter


def financial_years(now: datetime) -> list[int]:
    """Fiscal years with public quarterly documents at ``now``, newest first (``FINANCIAL_YEARS_SQL``)."""
    with connection.cursor() as cursor:
        cursor.execute(FINANCIAL_YEARS_SQL, public_sql_parameters(now))
        return sorted((row[0] for row in cursor.fetchall()), reverse=True)


def financial_quarters(years: list[int], now: datetime) -> list[tuple[int, list[Quarter]]]:
    """The quarters of ``years``, newest first, each with its public documents at ``now``
    (``FINANCIAL_QUARTERS_SQL``)."""
    named = {f"year{number}": year for number, year in enumerate(years)}
    statement = FINANCIAL_QUARTERS_SQL.format(years=", ".join(f"%({name})s" for name in named))
    documents = list(Document.objects.raw(statement, public_sql_parameters(now) | named))
    for document in documents:
        document.public_content = json.loads(document.public_content)
    quarters: dict[tuple[int, int], Quarter] = {}
    # The page shows each quarter's release and webcast, not a thumbnail.
    for doc in public_contents(documents, now, thumbnails=False):
        key = (doc.content["fiscal_year"], doc.content["fiscal_quarter"])
        quarters.setdefault(key, Quarter(*key)).documents.append(doc)
    # Each kind's words before a document's link, translated once a page.
    labels = {kind: gettext("%(label)s:") % {"label": Kind(kind).label} for kind in QUARTER_ORDER}
    size = file_size_writer()
    for quarter in quarters.values():
        quarter.documents.sort(key=lambda doc: QUARTER_ORDER.index(doc.content["kind"]))
        quarter.write(labels, size)
    by_year: dict[int, list[Quarter]] = {}
    for (fiscal_year, _), quarter in quarters.items():
        by_year.setdefault(fiscal_year, []).append(quarter)
    return sorted(by_year.items(), reverse=True)


# -- the reports and presentations pages: pages of documents --------------------------------------


def _page(ids: list[int], number, size: int, now: datetime, **shown):
    """One page of ``ids`` (every listed document's, in order), then its documents with the content the public reads;
    ``(None, paginator)`` when the page does not exist. The ids are read in one statement, which counts them too."""
    paginator = Paginator(ids, size)
    try:
        page = paginator.page(number or 1)
    except Exception:  # noqa: BLE001 - InvalidPage and its kinds: a page that is not there
        return None, paginator, []
    return page, paginator, _contents_in_order(list(page.object_list), now, **shown)


# The ids of the reports and presentations pages' documents, in their order, in one reviewed statement each (plain
# SQL, PostgreSQL and SQLite alike), as ``EVENT_SLIDES_SQL`` reads its list: the published ones by their row (their
# live revision's columns), the few in the workflow by the revision the public reads (``public_revision_id_sql``).
# The ORM built two to four conditional expressions of the public rule for each, most of the id query's cost.
# tests/investors/test_documents.py holds them to the ORM's reading at many moments.
_REPORT_KINDS_SQL = ", ".join(f"%({kind})s" for kind in REPORT_KINDS)
REPORTS_SQL = f"""
SELECT listed.id
FROM (
    SELECT d.id, d.fiscal_year, d.document_date
    FROM reports_document d
    WHERE d.status = %(published)s AND d.live_revision_id IS NOT NULL
      AND d.kind IN ({_REPORT_KINDS_SQL}) AND d.fiscal_quarter IS NULL
    UNION ALL
    SELECT d.id, r.fiscal_year, r.document_date
    FROM reports_document d
    JOIN reports_documentrevision r ON r.id = {public_revision_id_sql("d")}
    WHERE d.status IN (%(draft)s, %(in_review)s, %(approved)s) AND {public_sql("d")}
      AND r.kind IN ({_REPORT_KINDS_SQL}) AND r.fiscal_quarter IS NULL
) listed
ORDER BY listed.fiscal_year DESC, listed.document_date DESC, listed.id DESC
"""  # noqa: S608 - made of the statement's own parts; every value is a parameter
PRESENTATIONS_SQL = f"""
SELECT listed.id
FROM (
    SELECT d.id, d.document_date
    FROM reports_document d
    WHERE d.status = %(published)s AND d.live_revision_id IS NOT NULL AND d.kind = %(presentation)s
    UNION ALL
    SELECT d.id, r.document_date
    FROM reports_document d
    JOIN reports_documentrevision r ON r.id = {public_revision_id_sql("d")}
    WHERE d.status IN (%(draft)s, %(in_review)s, %(approved)s) AND {public_sql("d")} AND r.kind = %(presentation)s
) listed
ORDER BY listed.document_date DESC, listed.id DESC
"""  # noqa: S608 - made of the statement's own parts; every value is a parameter


def _listed_ids(statement: str, now: datetime) -> list[int]:
    params = public_sql_parameters(now) | {kind: kind for kind in REPORT_KINDS} | {"presentation": Kind.PRESENTATION}
    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        return [row[0] for row in cursor.fetchall()]


def reports_page(now: datetime, number):
    """Annual reports, proxy statements and other whole-year documents, newest fiscal year first (``REPORTS_SQL``)."""
    # The page shows neither a linked release or event nor a thumbnail.
    ids = _listed_ids(REPORTS_SQL, now)
    return _page(ids, number, REPORTS_PAGE_SIZE, now, links=False, thumbnails=False)


def presentations_page(now: datetime, number):
    """Presentations, newest first (``PRESENTATIONS_SQL``)."""
    # The page shows each presentation's thumbnail, not its linked release or event.
    return _page(_listed_ids(PRESENTATIONS_SQL, now), number, PRESENTATIONS_PAGE_SIZE, now, links=False)


SLIDES_SHOWN = 5
# An event's public presentations in one reviewed statement (plain SQL, PostgreSQL and SQLite alike), as
# ``GOVERNANCE_DOCUMENTS_SQL`` reads its list: the published ones by their row (their live revision's columns) along
# the index of the row's event, the few in the workflow by the revision the public reads (``public_revision_id_sql``).
# The ORM built three conditional expressions of the public rule for it, most of an event page's cost.
# tests/investors/test_documents.py holds it to the ORM's reading at many moments.
EVENT_SLIDES_SQL = f"""
SELECT listed.id, listed.slug, listed.status, listed.public_content
FROM (
    SELECT d.id, d.slug, d.status, r.content AS public_content, d.document_date
    FROM reports_document d
    JOIN reports_documentrevision r ON r.id = d.live_revision_id
    WHERE d.status = %(published)s AND d.event_id = %(event)s AND d.kind = %(presentation)s
    UNION ALL
    SELECT d.id, d.slug, d.status, r.content, r.document_date
    FROM reports_document d
    JOIN reports_documentrevision r ON r.id = {public_revision_id_sql("d")}
    WHERE d.status IN (%(draft)s, %(in_review)s, %(approved)s) AND {public_sql("d")}
      AND r.event_id = %(event)s AND r.kind = %(presentation)s
) listed
ORDER BY listed.document_date DESC, listed.id DESC
LIMIT %(shown)s
"""  # noqa: S608 - made of the statement's own parts; every value is a parameter


def slides_for_event(event_id: int, now: datetime) -> list[DocumentContent]:
    """The public presentations of an event, newest first, for its page and its replay (``EVENT_SLIDES_SQL``)."""
    params = public_sql_parameters(now) | {"event": event_id, "presentation": Kind.PRESENTATION, "shown": SLIDES_SHOWN}
    documents = list(Document.objects.raw(EVENT_SLIDES_SQL, params))
    for document in documents:
        document.public_content = json.loads(document.public_content)
    return public_contents(documents, now)


# -- governance documents: charters, code of conduct, bylaws, policies ---------------------------------------

# A company keeps a handful of each; the page shows the newest this many, every category together.
GOVERNANCE_DOCUMENTS_SHOWN = 60

# The governance documents page's list in one reviewed statement (plain SQL, PostgreSQL and SQLite alike): the ORM
# builds and compiles three conditional expressions of the public rule for it (the kind, the date and the content of
# the revision the public reads) and the database joins both revisions of every document to sort them. It applies
# the rule of ``Document.objects.public(now)`` and ``public_revision(now)``, as ``LATEST_PER_KIND_SQL`` does: a
# published document reads its live revision, whose columns its row holds (the rows of the index
# ``document_published_by_date``); the documents in the workflow (never many) read the revision they show, the
# approved one past its embargo (and its gate, if one holds it), else the live one; a withdrawn one is not public.
# The documents shown are chosen and ordered by those columns alone, with the revision each reads; only theirs is then
# read, by its key (not every revision joined and sorted with its content). tests/governance/test_public_pages.py
# holds it to the ORM's reading at many moments.
_GOVERNANCE_KINDS = ", ".join(f"%(governance_{number})s" for number in range(len(GOVERNANCE_KINDS)))
GOVERNANCE_DOCUMENTS_SQL = f"""
SELECT listed.slug, r.content
FROM (
    SELECT d.id, d.slug, d.live_revision_id AS revision_id, d.document_date
    FROM reports_document d
    WHERE d.status = %(published)s AND d.kind IN ({_GOVERNANCE_KINDS})
    UNION ALL
    SELECT d.id, d.slug, r.id, r.document_date
    FROM reports_document d
    JOIN reports_documentrevision r ON r.id = {public_revision_id_sql("d")}
    WHERE d.status IN (%(draft)s, %(in_review)s, %(approved)s) AND {public_sql("d")}
      AND r.kind IN ({_GOVERNANCE_KINDS})
    ORDER BY document_date DESC, id DESC
    LIMIT %(shown)s
) listed
JOIN reports_documentrevision r ON r.id = listed.revision_id
ORDER BY listed.document_date DESC, listed.id DESC
"""  # noqa: S608 - made of the statement's own parts; every value is a parameter


def governance_documents(now: datetime) -> list[tuple[str, list[DocumentContent]]]:
    """Public governance documents by category (in the order of ``GOVERNANCE_KINDS``), newest first in each, in one
    query (``GOVERNANCE_DOCUMENTS_SQL``): each document's slug with the content of the revision the public reads.
    The page shows a document's title, date and main PDF, so no linked release or event and no file's thumbnail is
    read, and no row is made into a model instance (each document's address is its slug's)."""
    params = public_sql_parameters(now) | {
        "shown": GOVERNANCE_DOCUMENTS_SHOWN,
        **{f"governance_{number}": kind for number, kind in enumerate(GOVERNANCE_KINDS)},
    }
    address, language = document_address(), languages.active()
    by_kind: dict[str, list[DocumentContent]] = {}
    with connection.cursor() as cursor:
        cursor.execute(GOVERNANCE_DOCUMENTS_SQL, params)
        for slug, public_content in cursor.fetchall():
            content = languages.localized(json.loads(public_content), language)
            by_kind.setdefault(content["kind"], []).append(DocumentContent(content, url=address(slug)))
    return [(Kind(kind).label, by_kind[kind]) for kind in GOVERNANCE_KINDS if kind in by_kind]


def governance_documents_public(now: datetime):
    return public(now, "public_kind", "public_date").filter(public_kind__in=GOVERNANCE_KINDS)


def public_addresses(ids, now: datetime) -> dict[int, str]:
    """The addresses of those of these documents (committee charters) that are public at ``now``, by id (one query;
    none for no ids)."""
    ids = list(ids)
    if not ids:
        return {}
    address = document_address()
    public_ids = Document.objects.public(now).filter(pk__in=ids).values_list("pk", "slug")
    return {pk: address(slug) for pk, slug in public_ids}


# The Investor page's two documents in one reviewed statement (plain SQL, PostgreSQL and SQLite alike): the
# ORM's window over five CASE columns took about 20 ms to compile, for a query PostgreSQL runs in 0.5 ms. It applies
# the rule of ``Document.objects.public(now)`` and ``public_revision(now)``: an approved document whose
# embargo has come (and whose gate, if one holds it, has opened) reads its approved revision, any other
# document with a live revision that is not withdrawn reads its live one. A published document reads its live
# revision, whose columns its row holds (an edit takes it back to draft), so the first published document of
# each kind is the first entry of an index (``document_published_results``, ``document_published_by_date``);
# the documents in the workflow (a correction or an approval pending, never many) are ranked with them by the
# revision they show. So the statement reads a few rows however many documents there are.
# tests/investors/test_documents.py holds it to the ORM at many moments.
LATEST_PER_KIND_SQL = f"""
SELECT ranked.id, ranked.slug, ranked.public_content,
       main.thumbnail_state AS main_thumbnail_state, main.thumbnail_error AS main_thumbnail_error
FROM (
    SELECT candidate.id, candidate.slug, candidate.public_content,
           ROW_NUMBER() OVER (
               PARTITION BY candidate.kind
               ORDER BY candidate.period DESC, candidate.document_date DESC, candidate.id DESC
           ) AS kind_rank
    FROM (
        SELECT * FROM (
            SELECT d.id, d.slug, r.content AS public_content, d.kind,
                   d.fiscal_year * 10 + COALESCE(d.fiscal_quarter, 0) AS period, d.document_date
            FROM reports_document d
            JOIN reports_documentrevision r ON r.id = d.live_revision_id
            WHERE d.status = %(published)s AND d.kind = %(results)s
            ORDER BY d.fiscal_year * 10 + COALESCE(d.fiscal_quarter, 0) DESC, d.document_date DESC, d.id DESC
            LIMIT 1
        ) latest_results
        UNION ALL
        SELECT * FROM (
            SELECT d.id, d.slug, r.content AS public_content, d.kind, 0 AS period, d.document_date
            FROM reports_document d
            JOIN reports_documentrevision r ON r.id = d.live_revision_id
            WHERE d.status = %(published)s AND d.kind = %(presentation)s
            ORDER BY d.document_date DESC, d.id DESC
            LIMIT 1
        ) newest_presentation
        UNION ALL
        SELECT d.id, d.slug, r.content, r.kind,
               CASE WHEN r.kind = %(results)s THEN r.fiscal_year * 10 + COALESCE(r.fiscal_quarter, 0) ELSE 0 END,
               r.document_date
        FROM reports_document d
        JOIN reports_documentrevision r ON r.id = {public_revision_id_sql("d")}
        WHERE d.status IN (%(draft)s, %(in_review)s, %(approved)s) AND {public_sql("d")}
          AND r.kind IN (%(results)s, %(presentation)s)
    ) candidate
) ranked
LEFT JOIN reports_documentfile main ON main.token = ranked.public_content -> 'main_file' ->> 'token'
WHERE ranked.kind_rank = 1
"""  # noqa: S608 - made of the statement's own parts; every value is a parameter


def investor_page_documents(now: datetime) -> dict:
    """For the Investor page: the latest quarter's results and the newest presentation.

    One statement ranks each kind's public documents (results by fiscal
    period, then date; presentations by date), keeps the first of each and
    reads the state of its main file's thumbnail, when there is a main file.
    Links to the release and the event are left to the financials page.
    """
    params = public_sql_parameters(now) | {"results": Kind.QUARTERLY_RESULTS, "presentation": Kind.PRESENTATION}
    address = document_address()
    found = {}
    for document in Document.objects.raw(LATEST_PER_KIND_SQL, params):
        content = json.loads(document.public_content)
        files = {}
        if document.main_thumbnail_state is not None:  # its main file, found
            token = content["main_file"]["token"]
            files[token] = DocumentFile(
                token=token,
                thumbnail_state=document.main_thumbnail_state,
                thumbnail_error=document.main_thumbnail_error,
            )
        found[content["kind"]] = DocumentContent(
            content, document=document, url=address(document.slug), resolved=Resolved(files=files)
        )
    return {
        "latest_results": found.get(Kind.QUARTERLY_RESULTS),
        "newest_presentation": found.get(Kind.PRESENTATION),
    }


def sitemap_documents(now: datetime):
    return (
        public(now, "public_year", "public_date")
        .order_by("-public_year", "-public_date", "-pk")
        .only("slug", *PUBLIC_STATE_FIELDS)
    )
