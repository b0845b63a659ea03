"""Uploads of financial documents, checked for what they claim to be, and how every file is served.

PDFs are parsed with pypdf, not just sniffed. pypdf is pure Python, so a
hostile file cannot corrupt memory in the web process, and it exposes the
object tree, which is where active content lives: the catalog's
``/OpenAction`` and ``/AA``, the ``/JavaScript`` and ``/EmbeddedFiles`` name
trees, an ``/XFA`` form, the actions of pages, annotations and form fields.
A PDF carrying any of them is refused, not stripped: a document that is
published exactly as approved cannot be altered on the way, so the author
exports it again without them. Refused too: a file that is not a PDF
whatever its name, a truncated one (no ``%%EOF`` at its end), an encrypted
one, more than ``REPORTS_MAX_PDF_PAGES`` pages or ``REPORTS_MAX_FILE_MB``.
Rendering the first page is PDFium's job (pypdfium2, in the Celery worker,
see ``reports.thumbnails``); pypdf cannot render.

Allowed actions are those of an ordinary document: going to a page, opening
a web or mail link (http, https, mailto), and the viewer's named actions
(next page...). An ``/OpenAction`` that only says which page to open at, as
office suites write it, is allowed.

Spreadsheets are accepted by extension, declared type and size, and only
looked at enough to know they are what they say: an XLSX is a zip archive
with the Office Open XML content types part of a workbook (and no macros); a
CSV is UTF-8 text. Neither is ever opened by the server beyond that, and
every file is served as a download (``download``) with a fixed content type,
``nosniff`` and a content security policy that lets nothing run.
"""

import csv
import hashlib
import io
import logging
import re
import zipfile
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import FileResponse
from django.utils.text import slugify
from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject

logger = logging.getLogger(__name__)

CONTENT_TYPES = {
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
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

ALLOWED_ACTIONS = {"/GoTo", "/URI", "/Named"}
ALLOWED_URI_SCHEMES = ("http:", "https:", "mailto:")
ACTION_NAMES = {
    "/JavaScript": "JavaScript",
    "/Launch": "an action that starts a program (Launch)",
    "/SubmitForm": "an action that sends form data (SubmitForm)",
    "/ImportData": "an action that imports data (ImportData)",
    "/GoToE": "a link into an embedded file (GoToE)",
    "/GoToR": "a link into another file (GoToR)",
    "/RichMediaExecute": "rich media (RichMediaExecute)",
    "/Rendition": "a media rendition (Rendition)",
}
ACTIVE_ANNOTATIONS = {
    "/FileAttachment": "an attached file",
    "/RichMedia": "rich media (video, Flash)",
    "/Movie": "a movie",
    "/Sound": "a sound",
    "/Screen": "a media screen",
    "/3D": "a 3D model",
}
# How deep a chain of actions (/Next) or of form fields (/Kids) is followed before the file counts as hostile.
MAX_DEPTH = 32
MAX_CONTENT_TYPES_BYTES = 1024 * 1024
XLSX_WORKBOOK = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"^[+-]?(\d[\d,]*)?(\.\d+)?([eE][+-]?\d+)?%?$")


@dataclass(frozen=True)
class CheckedFile:
    """An upload that passed its checks, with what they learned about it."""

    upload: object  # the UploadedFile
    format: str
    size: int
    sha256: str
    pages: int | None = None
    formula_cells: int = 0

    @property
    def original_name(self) -> str:
        return self.upload.name[:255]


def max_bytes() -> int:
    return settings.REPORTS_MAX_FILE_MB * 1024 * 1024


def _extension(upload) -> str:
    name = (upload.name or "").lower()
    return name.rsplit(".", 1)[-1] if "." in name else ""


def _check_size(upload) -> None:
    if upload.size == 0:
        raise ValidationError("The file is empty.")
    if upload.size > max_bytes():
        raise ValidationError(
            f"The file is {upload.size / (1024 * 1024):.1f} MB; the limit is {settings.REPORTS_MAX_FILE_MB} MB. "
            "Reduce it (e.g. export with compressed images) and upload it again."
        )


def _check_declared_type(upload, extension: str) -> None:
    declared = (upload.content_type or "application/octet-stream").split(";")[0].strip().lower()
    if declared not in DECLARED_TYPES[extension]:
        raise ValidationError(
            f"The browser says this .{extension} file is {declared}; upload a real .{extension} file."
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


def check_pdf(upload) -> CheckedFile:
    """A PDF the site can publish as it is, or ValidationError saying what to do about it."""
    if _extension(upload) != "pdf":
        raise ValidationError("This must be a PDF file (.pdf).")
    _check_size(upload)
    _check_declared_type(upload, "pdf")
    if b"%PDF-" not in _read(upload, 0, 1024):
        raise ValidationError("This file is not a PDF, whatever its name says. Export the document as PDF.")
    if b"%%EOF" not in _read(upload, max(0, upload.size - 1024), 1024):
        raise ValidationError(
            "This PDF is incomplete: it does not end the way a PDF ends. It was probably cut off while being "
            "copied or uploaded; upload it again."
        )
    try:
        reader = PdfReader(upload, strict=False)
        if reader.is_encrypted:
            raise ValidationError(
                "This PDF is encrypted or password-protected. Save it again without protection and upload that: "
                "the public must be able to open it."
            )
        pages = len(reader.pages)
        if pages == 0:
            raise ValidationError("This PDF has no pages.")
        if pages > settings.REPORTS_MAX_PDF_PAGES:
            raise ValidationError(
                f"This PDF has {pages} pages; the limit is {settings.REPORTS_MAX_PDF_PAGES}. "
                "Split it, or publish the full version as a link to the filing."
            )
        found = active_content(reader)
    except ValidationError:
        raise
    except Exception:
        logger.info("PDF upload %r could not be parsed", upload.name, exc_info=True)
        raise ValidationError(
            "This PDF could not be read: it is damaged or not really a PDF. Export it again."
        ) from None
    finally:
        upload.seek(0)
    if found:
        raise ValidationError(
            "This PDF carries active content, which is not published: "
            + "; ".join(found)
            + ". Export or print it to PDF again without it (PDF/A removes all of it) and upload that."
        )
    return CheckedFile(upload=upload, format="pdf", size=upload.size, sha256=_sha256(upload), pages=pages)


def active_content(reader: PdfReader) -> list[str]:
    """What in the PDF could act on its own when opened or clicked: a list of plain descriptions."""
    found: list[str] = []

    def note(what: str) -> None:
        if what not in found:
            found.append(what)

    root = reader.trailer["/Root"].get_object()
    names = _resolved(root.get("/Names"))
    if isinstance(names, DictionaryObject):
        if "/JavaScript" in names:
            note("JavaScript")
        if "/EmbeddedFiles" in names:
            note("embedded files")
    acroform = _resolved(root.get("/AcroForm"))
    if isinstance(acroform, DictionaryObject):
        if "/XFA" in acroform:
            note("an XFA form")
        _check_fields(acroform.get("/Fields"), note, depth=0)
    opening = _resolved(root.get("/OpenAction"))
    if isinstance(opening, DictionaryObject):
        _check_action(opening, note, depth=0)
    _check_additional_actions(root, note)
    for page in reader.pages:
        _check_additional_actions(page, note)
        for annotation in _resolved(page.get("/Annots")) or []:
            annotation = _resolved(annotation)
            if not isinstance(annotation, DictionaryObject):
                continue
            subtype = annotation.get("/Subtype")
            if subtype in ACTIVE_ANNOTATIONS:
                note(ACTIVE_ANNOTATIONS[subtype])
            _check_action(annotation.get("/A"), note, depth=0)
            _check_additional_actions(annotation, note)
    return found


def _resolved(value):
    return value.get_object() if value is not None else None


def _check_additional_actions(holder, note) -> None:
    actions = _resolved(holder.get("/AA"))
    if isinstance(actions, DictionaryObject):
        for action in actions.values():
            _check_action(action, note, depth=0)


def _check_action(action, note, *, depth: int) -> None:
    action = _resolved(action)
    if depth > MAX_DEPTH:
        note("a chain of actions too long to check")
        return
    if isinstance(action, ArrayObject):  # a destination, or a list of actions under /Next
        for element in action:
            element = _resolved(element)
            if isinstance(element, DictionaryObject):
                _check_action(element, note, depth=depth + 1)
        return
    if not isinstance(action, DictionaryObject):
        return
    kind = action.get("/S")
    if kind is not None and kind not in ALLOWED_ACTIONS:
        note(ACTION_NAMES.get(kind, f"an action of type {str(kind).lstrip('/')}"))
    if kind == "/URI":
        uri = str(_resolved(action.get("/URI")) or "").strip().lower()
        if not uri.startswith(ALLOWED_URI_SCHEMES):
            note("a link that is not a web or mail address")
    if "/Next" in action:
        _check_action(action["/Next"], note, depth=depth + 1)


def _check_fields(fields, note, *, depth: int) -> None:
    if depth > MAX_DEPTH:
        note("form fields nested too deep to check")
        return
    for field in _resolved(fields) or []:
        field = _resolved(field)
        if not isinstance(field, DictionaryObject):
            continue
        _check_action(field.get("/A"), note, depth=0)
        _check_additional_actions(field, note)
        _check_fields(field.get("/Kids"), note, depth=depth + 1)


def check_supplementary(upload) -> CheckedFile:
    """A supplementary file: a PDF (checked like the main one), an Excel workbook or a CSV file."""
    extension = _extension(upload)
    if extension == "pdf":
        return check_pdf(upload)
    if extension not in {"xlsx", "csv"}:
        raise ValidationError("Supplementary files are PDF, Excel (.xlsx) or CSV files.")
    _check_size(upload)
    _check_declared_type(upload, extension)
    formula_cells = _check_xlsx(upload) if extension == "xlsx" else _check_csv(upload)
    return CheckedFile(
        upload=upload, format=extension, size=upload.size, sha256=_sha256(upload), formula_cells=formula_cells
    )


def _check_xlsx(upload) -> int:
    not_a_workbook = ValidationError("This is not an Excel workbook (.xlsx), whatever its name says.")
    try:
        with zipfile.ZipFile(upload) as archive:
            names = set(archive.namelist())
            if "[Content_Types].xml" not in names:
                raise not_a_workbook
            if archive.getinfo("[Content_Types].xml").file_size > MAX_CONTENT_TYPES_BYTES:
                raise not_a_workbook
            types = archive.read("[Content_Types].xml").decode("utf-8", "replace")
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError):
        raise not_a_workbook from None
    finally:
        upload.seek(0)
    if XLSX_WORKBOOK not in types:
        raise not_a_workbook
    if "macroEnabled" in types or any(name.lower().endswith("vbaproject.bin") for name in names):
        raise ValidationError("This workbook contains macros; save it as a plain .xlsx workbook without them.")
    return 0


def _check_csv(upload) -> int:
    """UTF-8 text (a byte-order mark allowed); returns how many cells begin like a formula."""
    upload.seek(0)
    data = upload.read()
    upload.seek(0)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValidationError("This CSV file is not UTF-8 text; save it as “CSV UTF-8” and upload it again.") from None
    if "\x00" in text:
        raise ValidationError("This CSV file contains binary data; it is not a text file.")
    return sum(
        1
        for row in csv.reader(io.StringIO(text, newline=""))
        for cell in row
        if cell.startswith(FORMULA_START) and not _NUMBER.match(cell.strip())
    )


def download(stored, *, format: str, name: str, private: bool) -> FileResponse:
    """A stored file as a download: never shown inline, never sniffed, never able to run anything."""
    response = FileResponse(stored.open("rb"), as_attachment=True, filename=f"{slugify(name) or 'document'}.{format}")
    return _locked_down(response, CONTENT_TYPES[format], private=private)


def image(stored, *, private: bool) -> FileResponse:
    """A thumbnail (re-encoded by this site), shown inline as an image and nothing else."""
    return _locked_down(FileResponse(stored.open("rb")), CONTENT_TYPES["webp"], private=private)


def _locked_down(response, content_type: str, *, private: bool):
    response["Content-Type"] = content_type
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = DOWNLOAD_CSP
    # Staff copies stay out of shared caches; public ones are checked against the embargo on every request.
    response["Cache-Control"] = "private, no-store" if private else "no-cache"
    return response


def serve(stored, rendition: str, *, private: bool) -> FileResponse | None:
    """A ``DocumentFile`` as a download, or its thumbnail as an image; None for a rendition it does not have."""
    if rendition == "file":
        supplementary = stored.role == "supplementary"
        name = f"{stored.document.slug}-{stored.label}" if supplementary else stored.label
        return download(stored.file, format=stored.format, name=name, private=private)
    if rendition == "thumbnail" and stored.thumbnail_state == "ready":
        return image(stored.thumbnail, private=private)
    return None
