"""The one check every uploaded file passes, whatever form it comes through, and how a stored file is served.

``check_upload(upload, accept=...)`` is the only way a file staff upload
gets in: a financial document, a release's PDF, a supplementary
spreadsheet, a release image, the company logo, and any upload added later.
In order it checks the name's extension against what the form accepts,
the size (``UPLOAD_MAX_FILE_MB``), the type the browser declared, the
content (below), and last the malware scanner (``company.malware``). A
refusal is an ``UploadRefused``, a form error that says what to do; the
views that show such forms record it in the audit log as a security event
(``record_refusals``), with the file's name, size, hash and the reasons.

**PDF.** The header ``%PDF-`` must open the file at byte 0 (a file that is
something else first, an HTML and PDF polyglot, is refused) and ``%%EOF``
end it. The file is then parsed by pypdf in a child process
(``company/pdfscan.py``) with a memory cap and a wall-clock limit
(``UPLOAD_PDF_CHECK_SECONDS``): pypdf is pure Python, so a hostile file
cannot corrupt memory, but an endless object graph could keep a thread busy
for minutes, and a thread cannot be stopped from outside; a process can.
A size and page budget alone would not bound it either: a small file can
hold a costly structure. Refused: an encrypted PDF, more than
``UPLOAD_MAX_PDF_PAGES`` pages, and active content anywhere a PDF can hold
it (the catalog's ``/OpenAction`` and ``/AA``, named JavaScript, embedded
files, bookmarks, pages, annotations, form fields, XFA; see ``pdfscan``).
Refused, not stripped: a document published exactly as approved cannot be
altered on the way, so the author exports it again without them. Allowed
actions are those of an ordinary document: going to a page, a web or mail
link (http, https, mailto) and the viewer's named actions (next page...).

**XLSX.** A zip archive with the workbook content type, at most
``UPLOAD_MAX_ARCHIVE_ENTRIES`` parts unpacking to at most
``UPLOAD_MAX_UNPACKED_MB`` (read from the archive's directory; a part is
never read past the size it declares). Refused, each named: macros (VBA,
Excel 4 macro sheets), ActiveX controls, embedded objects, links to other
workbooks (``xl/externalLinks/``), DDE links and DDE formulas
(``cmd|' /C calc'!A0``), formulas that fetch a web address (WEBSERVICE),
external data connections. A worksheet that declares a document type (the
way to an entity expansion bomb) is not a workbook.
Formula cells are counted and shown to the approver.

**CSV.** UTF-8 text; cells that begin like a formula are counted, and a DDE
formula is refused as in a workbook.

**Images** (JPEG, PNG, WebP) are opened by Pillow only after their pixel
count is read from the header, and re-encoded without metadata
(``company.images``): the bytes stored are this site's own.

Every stored file is served as a download (``download``) with a fixed
content type, ``nosniff`` and a content security policy that lets nothing
run.
"""

import csv
import hashlib
import io
import json
import logging
import re
import subprocess
import sys
import zipfile
from dataclasses import dataclass
from pathlib import Path
from xml.parsers import expat

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import FileResponse
from django.utils import translation
from django.utils.functional import lazy
from django.utils.text import format_lazy, slugify
from django.utils.translation import gettext_lazy as _

from company import malware
from company.images import ProcessedImage, process_image
from company.numfmt import number
from irportal.audit.services import audit_record

logger = logging.getLogger(__name__)

PDF = frozenset({"pdf"})
DATA_FILES = frozenset({"pdf", "xlsx", "csv"})
IMAGES = frozenset({"image"})
CSV = frozenset({"csv"})
IMAGE_EXTENSIONS = {"jpg", "jpeg", "png", "webp"}
ACCEPTED_LABELS = {
    PDF: _("This must be a PDF file (.pdf)."),
    DATA_FILES: _("Supplementary files are PDF, Excel (.xlsx) or CSV files."),
    IMAGES: _("This must be a JPEG, PNG or WebP image."),
    CSV: _("This must be a CSV file (.csv)."),
}

CONTENT_TYPES = {
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
    "jpg": "image/jpeg",
    "png": "image/png",
    "webp": "image/webp",
}
# What browsers declare for each extension (a machine without the type registered sends octet-stream;
# Windows declares a CSV as an Excel file).
DECLARED_TYPES = {
    "pdf": {"application/pdf", "application/x-pdf", "application/octet-stream"},
    "xlsx": {CONTENT_TYPES["xlsx"], "application/octet-stream", "application/zip"},
    "csv": {"text/csv", "application/csv", "text/plain", "application/vnd.ms-excel", "application/octet-stream"},
}
DOWNLOAD_CSP = "default-src 'none'; sandbox"

PDF_HEADER = b"%PDF-"
PDF_SCANNER = Path(__file__).with_name("pdfscan.py")
MAX_CONTENT_TYPES_BYTES = 1024 * 1024
XLSX_WORKBOOK = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"^[+-]?(\d[\d,]*)?(\.\d+)?([eE][+-]?\d+)?%?$")
_STRING_LITERAL = re.compile(r'"(?:[^"]|"")*"')
# Outside its string literals a formula has a bar only as DDE's application|topic!item.
_DDE = re.compile(r"\|")
_WEB_FUNCTIONS = re.compile(r"\b(WEBSERVICE|FILTERXML)\s*\(", re.IGNORECASE)
# Parts of a workbook that run or reach out, by where they live in the archive.
XLSX_PARTS = (
    ("xl/vbaproject.bin", _("macros (VBA)")),
    ("xl/macrosheets/", _("Excel 4 macro sheets")),
    ("xl/activex/", _("ActiveX controls")),
    ("xl/embeddings/", _("embedded objects")),
    ("xl/externallinks/", _("links to other workbooks (external links)")),
    ("xl/connections.xml", _("external data connections")),
)


def _listed(findings) -> str:
    return "; ".join(str(finding) for finding in findings)


# What a refusal found, as one phrase written in the language active when the message is read: the console's
# on the form, the primary language in the audit log.
listed = lazy(_listed, str)


@dataclass(frozen=True)
class CheckedFile:
    """An upload that passed every check, with what they learned about it."""

    upload: object  # the UploadedFile
    format: str
    size: int
    sha256: str
    scan: str
    pages: int | None = None
    formula_cells: int = 0
    image: ProcessedImage | None = None

    @property
    def original_name(self) -> str:
        return self.upload.name[:255]


class UploadRefused(ValidationError):
    """A form error about an uploaded file, in the console's language; ``record_refusals`` writes it to the audit
    log, whose reasons are in the primary language whatever the console's."""

    def __init__(self, error: ValidationError, *, upload, accept: frozenset):
        super().__init__(" ".join(error.messages), code="upload_refused")
        with translation.override(settings.LANGUAGE_CODE):
            reasons = error.messages
        self.details = {
            "name": (upload.name or "")[:255],
            "size": upload.size,
            "sha256": _sha256(upload),
            "accepted": sorted(accept),
            "reasons": reasons,
        }


def check_upload(upload, *, accept: frozenset) -> CheckedFile:
    """A file the site can keep and publish as it is, or ``UploadRefused`` saying what to do about it."""
    try:
        return _check(upload, accept)
    except ValidationError as error:
        raise UploadRefused(error, upload=upload, accept=accept) from None
    finally:
        upload.seek(0)


def record_refusals(form, *, actor) -> None:
    """Write each file ``form`` refused to the audit log: an upload refused is a security event."""
    for field, errors in form.errors.as_data().items():
        for error in errors:
            if isinstance(error, UploadRefused):
                audit_record(action="security.upload_refused", actor=actor, data=error.details | {"field": field})
                logger.warning(
                    "upload refused field=%s name=%r reasons=%s", field, error.details["name"], error.details["reasons"]
                )


def _check(upload, accept: frozenset) -> CheckedFile:
    extension = _extension(upload)
    kind = "image" if extension in IMAGE_EXTENSIONS or accept == IMAGES else extension
    if kind not in accept:
        raise ValidationError(ACCEPTED_LABELS.get(accept, _("This kind of file is not accepted here.")))
    _check_size(upload)
    found = {"format": kind}
    if kind == "image":
        found["image"] = process_image(upload)
        found["format"] = found["image"].extension
    else:
        _check_declared_type(upload, kind)
        found |= CONTENT_CHECKS[kind](upload)
    scan = malware.scan(upload)
    return CheckedFile(upload=upload, size=upload.size, sha256=_sha256(upload), scan=scan, **found)


def _extension(upload) -> str:
    name = (upload.name or "").lower()
    return name.rsplit(".", 1)[-1] if "." in name else ""


def _check_size(upload) -> None:
    if upload.size == 0:
        raise ValidationError(_("The file is empty."))
    if upload.size > settings.UPLOAD_MAX_FILE_MB * 1024 * 1024:
        raise ValidationError(
            _(
                "The file is %(size)s MB; the limit is %(limit)s MB. "
                "Reduce it (e.g. export with compressed images) and upload it again."
            ),
            params={"size": number(upload.size / (1024 * 1024), 1), "limit": settings.UPLOAD_MAX_FILE_MB},
        )


def _check_declared_type(upload, extension: str) -> None:
    declared = (upload.content_type or "application/octet-stream").split(";")[0].strip().lower()
    if declared not in DECLARED_TYPES[extension]:
        raise ValidationError(
            _("The browser says this .%(extension)s file is %(declared)s; upload a real .%(extension)s file."),
            params={"extension": extension, "declared": declared},
        )


def _sha256(upload) -> str:
    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return digest.hexdigest()


def _read(upload, start: int, length: int) -> bytes:
    upload.seek(start)
    data = upload.read(length)
    upload.seek(0)
    return data


# -- PDF ----------------------------------------------------------------------------------------------------------


def _check_pdf(upload) -> dict:
    if _read(upload, 0, len(PDF_HEADER)) != PDF_HEADER:
        raise ValidationError(_("This file is not a PDF, whatever its name says. Export the document as PDF."))
    if b"%%EOF" not in _read(upload, max(0, upload.size - 1024), 1024):
        raise ValidationError(
            _(
                "This PDF is incomplete: it does not end the way a PDF ends. It was probably cut off while being "
                "copied or uploaded; upload it again."
            )
        )
    report = _scan_pdf(upload)
    if report.get("refused") == "encrypted":
        raise ValidationError(
            _(
                "This PDF is encrypted or password-protected. Save it again without protection and upload that: "
                "the public must be able to open it."
            )
        )
    if report.get("refused") == "pages":
        raise ValidationError(
            _(
                "This PDF has %(pages)s pages; the limit is %(limit)s. "
                "Split it, or publish the full version as a link to the filing."
            ),
            params={"pages": report["pages"], "limit": settings.UPLOAD_MAX_PDF_PAGES},
        )
    if report["pages"] == 0:
        raise ValidationError(_("This PDF has no pages."))
    if report["found"]:
        raise ValidationError(
            _(
                "This PDF carries active content, which is not published: %(found)s. "
                "Export or print it to PDF again without it (PDF/A removes all of it) and upload that."
            ),
            params={"found": listed(report["found"])},
        )
    return {"pages": report["pages"]}


def _scan_pdf(upload) -> dict:
    """``company/pdfscan.py``'s report on the file, parsed in a child process with a time and memory limit."""
    upload.seek(0)
    data = upload.read()
    upload.seek(0)
    unreadable = ValidationError(_("This PDF could not be read: it is damaged or not really a PDF. Export it again."))
    try:
        finished = subprocess.run(  # noqa: S603 - this interpreter, a script of this package, no shell
            [sys.executable, "-I", str(PDF_SCANNER), str(settings.UPLOAD_MAX_PDF_PAGES)],
            input=data,
            capture_output=True,
            timeout=settings.UPLOAD_PDF_CHECK_SECONDS,
            check=False,
        )
    except subprocess.TimeoutExpired:
        logger.warning("PDF upload %r took over %s s to check", upload.name, settings.UPLOAD_PDF_CHECK_SECONDS)
        raise ValidationError(
            _(
                "This PDF is built in a way that takes more than %(seconds)s seconds to check, so it was not "
                "accepted. Export or print it to PDF again (PDF/A is simplest) and upload that."
            ),
            params={"seconds": settings.UPLOAD_PDF_CHECK_SECONDS},
        ) from None
    if finished.returncode != 0:
        logger.info("PDF upload %r could not be parsed: %s", upload.name, finished.stderr.decode(errors="replace"))
        raise unreadable
    try:
        return json.loads(finished.stdout)
    except ValueError:
        raise unreadable from None


# -- Spreadsheets -------------------------------------------------------------------------------------------------


def _check_xlsx(upload) -> dict:
    not_a_workbook = ValidationError(_("This is not an Excel workbook (.xlsx), whatever its name says."))
    try:
        with zipfile.ZipFile(upload) as archive:
            entries = archive.infolist()
            _check_archive_size(entries)
            names = {entry.filename.lower(): entry.filename for entry in entries}
            if "[content_types].xml" not in names:
                raise not_a_workbook
            types_part = archive.getinfo(names["[content_types].xml"])
            if types_part.file_size > MAX_CONTENT_TYPES_BYTES:
                raise not_a_workbook
            types = archive.read(types_part).decode("utf-8", "replace")
            if XLSX_WORKBOOK not in types:
                raise not_a_workbook
            found = _active_parts(names, types)
            formulas, formula_findings = _formulas(archive, names)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError, expat.ExpatError):
        raise not_a_workbook from None
    found += [finding for finding in formula_findings if finding not in found]
    if found:
        raise ValidationError(
            _(
                "This workbook carries what a published spreadsheet must not: %(found)s. Save a copy as a plain "
                ".xlsx workbook with values instead (Paste Special, Values), and upload that."
            ),
            params={"found": listed(found)},
        )
    return {"formula_cells": formulas}


def _check_archive_size(entries) -> None:
    limit = settings.UPLOAD_MAX_ARCHIVE_ENTRIES
    if len(entries) > limit:
        raise ValidationError(
            _("This workbook is made of %(parts)s parts; the limit is %(limit)s."),
            params={"parts": len(entries), "limit": limit},
        )
    unpacked = sum(entry.file_size for entry in entries)
    if unpacked > settings.UPLOAD_MAX_UNPACKED_MB * 1024 * 1024:
        raise ValidationError(
            _("This workbook unpacks to %(size)s MB; the limit is %(limit)s MB."),
            params={"size": number(unpacked / (1024 * 1024), 0), "limit": settings.UPLOAD_MAX_UNPACKED_MB},
        )


def _active_parts(names: dict, types: str) -> list[str]:
    found = []
    if "macroenabled" in types.lower():
        found.append(_("a macro-enabled workbook type"))
    for prefix, label in XLSX_PARTS:
        if any(name.startswith(prefix) for name in names) and label not in found:
            found.append(label)
    return found


def _formulas(archive, names: dict) -> tuple[int, list[str]]:
    """How many cells hold a formula, and what in the formulas or the external links reaches out."""
    count, found = 0, []
    for lower, name in sorted(names.items()):
        if lower.startswith("xl/externallinks/") and lower.endswith(".xml") and b"ddeLink" in _part(archive, name):
            found.append(_("DDE links"))
        if lower.startswith("xl/worksheets/") and lower.endswith(".xml"):
            with archive.open(name) as part:
                formulas = _sheet_formulas(part)
            count += len(formulas)
            found += [finding for formula in formulas for finding in _formula_findings(formula)]
    return count, list(dict.fromkeys(found))


def _sheet_formulas(part) -> list[str]:
    """The text of every formula (``<f>``) of a worksheet, read as a stream; a DTD makes it ``ValueError``."""
    parser = expat.ParserCreate(namespace_separator=" ")
    formulas: list[str] = []
    current: list[str] | None = None

    def start(name, attributes):
        nonlocal current
        if name.rsplit(" ", 1)[-1] == "f":
            current = []

    def end(name):
        nonlocal current
        if current is not None and name.rsplit(" ", 1)[-1] == "f":
            formulas.append("".join(current))
            current = None

    def text(data):
        if current is not None:
            current.append(data)

    def document_type(*args):
        raise ValueError("a workbook part declares a document type")

    parser.StartElementHandler, parser.EndElementHandler, parser.CharacterDataHandler = start, end, text
    parser.StartDoctypeDeclHandler = parser.EntityDeclHandler = document_type
    while chunk := part.read(256 * 1024):
        parser.Parse(chunk, False)
    parser.Parse(b"", True)
    return formulas


def _part(archive, name: str) -> bytes:
    with archive.open(name) as part:
        return part.read()


def _formula_findings(formula: str) -> list[str]:
    code = _STRING_LITERAL.sub('""', formula)
    found = []
    if _DDE.search(code):
        found.append(format_lazy(_("a DDE formula ({formula})"), formula=formula[:60]))
    if _WEB_FUNCTIONS.search(code):
        found.append(_("a formula that fetches a web address (WEBSERVICE, FILTERXML)"))
    return found


def _check_csv(upload) -> dict:
    """UTF-8 text (a byte-order mark allowed); counts the cells that begin like a formula, refuses DDE."""
    upload.seek(0)
    data = upload.read()
    upload.seek(0)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValidationError(
            _("This CSV file is not UTF-8 text; save it as “CSV UTF-8” and upload it again.")
        ) from None
    if "\x00" in text:
        raise ValidationError(_("This CSV file contains binary data; it is not a text file."))
    formulas = [
        cell
        for row in csv.reader(io.StringIO(text, newline=""))
        for cell in row
        if cell.startswith(FORMULA_START) and not _NUMBER.match(cell.strip())
    ]
    found = [finding for cell in formulas for finding in _formula_findings(cell.lstrip("=+-@\t\r"))]
    if found:
        raise ValidationError(
            _("This CSV file holds what a spreadsheet would run: %(found)s. Remove those cells and upload it again."),
            params={"found": listed(dict.fromkeys(found))},
        )
    return {"formula_cells": len(formulas)}


CONTENT_CHECKS = {"pdf": _check_pdf, "xlsx": _check_xlsx, "csv": _check_csv}


# -- Serving ------------------------------------------------------------------------------------------------------


def download(stored, *, format: str, name: str, private: bool) -> FileResponse:
    """A stored file as a download: never shown inline, never sniffed, never able to run anything."""
    response = FileResponse(stored.open("rb"), as_attachment=True, filename=f"{slugify(name) or 'document'}.{format}")
    return locked_down(response, CONTENT_TYPES[format], private=private)


def inline_image(stored, *, private: bool) -> FileResponse:
    """An image this site re-encoded (a rendition, a thumbnail), shown inline as an image and nothing else."""
    extension = stored.name.rsplit(".", 1)[-1].lower()
    return locked_down(FileResponse(stored.open("rb")), CONTENT_TYPES[extension], private=private)


def locked_down(response, content_type: str, *, private: bool):
    response["Content-Type"] = content_type
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = DOWNLOAD_CSP
    # Staff copies stay out of shared caches; public ones are checked against the embargo on every request.
    response["Cache-Control"] = "private, no-store" if private else "no-cache"
    return response
