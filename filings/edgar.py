"""Reading EDGAR's answers: the submissions API's JSON and a filing's index page.

The submissions document (``https://data.sec.gov/submissions/CIK##########.json``)
holds the company's data and ``filings.recent``: parallel arrays, one per
column (``accessionNumber``, ``filingDate``, ``reportDate``,
``acceptanceDateTime``, ``form``, ``primaryDocument``,
``primaryDocDescription``, ``items``, ``size``, ``isXBRL``, ``isInlineXBRL``
among others), at least the last year or the last thousand filings.
``filings.files`` names further documents (``CIK##########-submissions-001.json``)
with the older filings, in the same columns at their top level.

A filing's index page (``<accession>-index.htm`` in its folder of the
archives) is HTML; its "Document Format Files" table (``class="tableFile"``)
lists each document with its sequence, description, file name, type
(``8-K``, ``EX-99.1``, ``GRAPHIC``) and size. EDGAR's ``index.json`` of a
folder names the files too, but its ``type`` is the icon of a directory
listing (``text.gif``), not the document type, so it cannot tell a press
release exhibit from a graphic.

Everything is checked before anything is used: one value out of shape and
the whole answer is ``Malformed``, so an importer stores all of it or none.
"""

import json
import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime
from html.parser import HTMLParser

ACCESSION = re.compile(r"^[0-9]{10}-[0-9]{2}-[0-9]{6}$")
OLDER_FILE = re.compile(r"^CIK[0-9]{10}-submissions-[0-9]{3}\.json$")
DOCUMENT_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]{0,199}$")
REQUIRED_COLUMNS = ("accessionNumber", "filingDate", "form", "primaryDocument")
OPTIONAL_TEXT = ("reportDate", "acceptanceDateTime", "primaryDocDescription", "items")
OPTIONAL_NUMBERS = ("size", "isXBRL", "isInlineXBRL")
EXHIBIT_TEXT_CHARS = 6000


class Malformed(Exception):
    """An answer that is not in EDGAR's shape: nothing of it is used."""


@dataclass(frozen=True)
class FilingRecord:
    accession_number: str
    form: str
    filing_date: date
    report_date: date | None
    accepted_at: datetime | None
    description: str
    primary_document: str
    items: str
    size: int | None
    is_xbrl: bool
    is_inline_xbrl: bool


def submissions_path(cik: str) -> str:
    return f"/submissions/CIK{cik}.json"


def _load(body: bytes) -> dict:
    try:
        document = json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise Malformed(f"not JSON: {exc}") from None
    if not isinstance(document, dict):
        raise Malformed("not a JSON object")
    return document


def _date(value, column: str, row: int, *, optional: bool = False) -> date | None:
    if optional and value in ("", None):
        return None
    try:
        return date.fromisoformat(value)
    except (TypeError, ValueError):
        raise Malformed(f"{column}[{row}] is not a date: {value!r}") from None


def _moment(value, row: int) -> datetime | None:
    """``acceptanceDateTime``: ``2022-10-19T17:15:46.000Z`` (UTC)."""
    if value in ("", None):
        return None
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except (AttributeError, ValueError):
        raise Malformed(f"acceptanceDateTime[{row}] is not a time: {value!r}") from None
    if moment.tzinfo is None:
        raise Malformed(f"acceptanceDateTime[{row}] has no zone: {value!r}")
    return moment


def _text(value, column: str, row: int, limit: int) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise Malformed(f"{column}[{row}] is not text: {value!r}")
    return value.strip()[:limit]


def _number(value, column: str, row: int) -> int | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise Malformed(f"{column}[{row}] is not a count: {value!r}")
    return value


def parse_columns(columns) -> list[FilingRecord]:
    """The filings of ``filings.recent``, or of an older filings document: parallel arrays of one length."""
    if not isinstance(columns, dict):
        raise Malformed("the filings are not an object of columns")
    missing = [name for name in REQUIRED_COLUMNS if name not in columns]
    if missing:
        raise Malformed(f"columns missing: {', '.join(missing)}")
    present = [name for name in (*REQUIRED_COLUMNS, *OPTIONAL_TEXT, *OPTIONAL_NUMBERS) if name in columns]
    for name in present:
        if not isinstance(columns[name], list):
            raise Malformed(f"{name} is not a list")
    lengths = {len(columns[name]) for name in present}
    if len(lengths) != 1:
        raise Malformed(f"the columns differ in length: {sorted(lengths)}")
    records = []
    for row in range(lengths.pop()):

        def value(name, row=row):
            return columns[name][row] if name in columns else None

        accession = value("accessionNumber")
        if not isinstance(accession, str) or not ACCESSION.match(accession):
            raise Malformed(f"accessionNumber[{row}] is not an accession number: {accession!r}")
        form = _text(value("form"), "form", row, 30)
        if not form:
            raise Malformed(f"form[{row}] is empty")
        document = _text(value("primaryDocument"), "primaryDocument", row, 300)
        if ".." in document or document.startswith("/"):
            raise Malformed(f"primaryDocument[{row}] is not a document of the filing: {document!r}")
        records.append(
            FilingRecord(
                accession_number=accession,
                form=form,
                filing_date=_date(value("filingDate"), "filingDate", row),
                report_date=_date(value("reportDate"), "reportDate", row, optional=True),
                accepted_at=_moment(value("acceptanceDateTime"), row),
                description=_text(value("primaryDocDescription"), "primaryDocDescription", row, 300),
                primary_document=document,
                items=_text(value("items"), "items", row, 200),
                size=_number(value("size"), "size", row),
                is_xbrl=bool(_number(value("isXBRL"), "isXBRL", row)),
                is_inline_xbrl=bool(_number(value("isInlineXBRL"), "isInlineXBRL", row)),
            )
        )
    return records


def parse_submissions(body: bytes, *, cik: str) -> tuple[list[FilingRecord], list[str]]:
    """The recent filings and the names of the documents with older ones; for the company ``cik`` only."""
    document = _load(body)
    try:
        answered_for = int(document.get("cik"))
    except (TypeError, ValueError):
        raise Malformed(f"cik is not a number: {document.get('cik')!r}") from None
    if answered_for != int(cik):
        raise Malformed(f"the answer is for CIK {answered_for}, not {int(cik)}")
    filings = document.get("filings")
    if not isinstance(filings, dict):
        raise Malformed("filings is missing")
    records = parse_columns(filings.get("recent"))
    older = filings.get("files", [])
    if not isinstance(older, list):
        raise Malformed("filings.files is not a list")
    names = []
    for entry in older:
        name = entry.get("name") if isinstance(entry, dict) else None
        if not isinstance(name, str) or not OLDER_FILE.match(name) or not name.startswith(f"CIK{cik}-"):
            raise Malformed(f"filings.files names an unexpected document: {entry!r}")
        names.append(name)
    return records, names


def parse_older_filings(body: bytes) -> list[FilingRecord]:
    return parse_columns(_load(body))


@dataclass(frozen=True)
class IndexDocument:
    sequence: str
    description: str
    name: str
    document_type: str


class _DocumentTable(HTMLParser):
    """The rows of the first ``<table class="tableFile">``: the filing's documents."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.depth = 0  # inside the table while > 0
        self.done = False
        self.rows: list[list[str]] = []
        self.cell: list[str] | None = None
        self.links: list[str] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "table":
            if self.depth:
                self.depth += 1
            elif not self.done and "tableFile" in (attributes.get("class") or "").split():
                self.depth = 1
        elif self.depth == 1 and tag == "tr":
            self.rows.append([])
        elif self.depth == 1 and tag in {"td", "th"} and self.rows:
            self.cell = []

    def handle_endtag(self, tag):
        if tag == "table" and self.depth:
            self.depth -= 1
            self.done = self.depth == 0
        elif self.depth == 1 and tag in {"td", "th"} and self.cell is not None:
            self.rows[-1].append(" ".join("".join(self.cell).split()))
            self.cell = None

    def handle_data(self, data):
        if self.cell is not None:
            self.cell.append(data)


def parse_filing_index(body: bytes) -> list[IndexDocument]:
    """The documents of a filing's index page; ``Malformed`` without its "Document Format Files" table."""
    parser = _DocumentTable()
    try:
        parser.feed(body.decode("utf-8", errors="replace"))
        parser.close()
    except AssertionError as exc:  # html.parser's way of giving up on markup
        raise Malformed(f"the index page cannot be read: {exc}") from None
    if not parser.done or not parser.rows:
        raise Malformed("the index page has no document table")
    header, *rows = parser.rows
    if [cell.lower() for cell in header[:5]] != ["seq", "description", "document", "type", "size"]:
        raise Malformed(f"the document table has unexpected columns: {header}")
    documents = []
    for cells in rows:
        if len(cells) < 5:
            raise Malformed(f"a document row has {len(cells)} cells")
        sequence, description, name, document_type = cells[0], cells[1], cells[2].split(" ")[0], cells[3]
        if not sequence.isdigit():  # the complete submission text file has no sequence
            continue
        if not DOCUMENT_NAME.match(name):
            raise Malformed(f"a document has an unexpected name: {name!r}")
        documents.append(IndexDocument(sequence, description[:300], name, document_type[:30]))
    return documents


class _Text(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skipping = 0

    def handle_starttag(self, tag, attrs):
        if tag in {"script", "style", "head"}:
            self.skipping += 1

    def handle_endtag(self, tag):
        if tag in {"script", "style", "head"} and self.skipping:
            self.skipping -= 1

    def handle_data(self, data):
        if not self.skipping:
            self.parts.append(data)


def plain_words(text: str) -> str:
    """Text as compared for a match: compatibility forms, one kind of quote and dash, one space, folded case."""
    text = unicodedata.normalize("NFKC", text)
    text = text.translate(str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"', "\u2013": "-"}))
    return " ".join(text.split()).casefold()


def exhibit_text(body: bytes) -> str:
    """The opening words of an exhibit document (HTML or plain text), for finding a release's headline in it."""
    parser = _Text()
    parser.feed(body.decode("utf-8", errors="replace"))
    parser.close()
    return " ".join(" ".join(parser.parts).split())[:EXHIBIT_TEXT_CHARS]


def is_press_release_exhibit(document: IndexDocument) -> bool:
    """Exhibit 99 (additional exhibits), where a current report carries the press release it furnishes."""
    return document.document_type.upper().startswith("EX-99")
