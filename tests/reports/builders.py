"""PDFs and documents for tests: good files made by code, and each kind of bad one."""

import io
import itertools

from django.core.files.uploadedfile import SimpleUploadedFile
from pypdf import PdfWriter
from pypdf.generic import ArrayObject, DictionaryObject, FloatObject, NameObject, NumberObject, TextStringObject

from company.files import PDF, check_upload
from reports import services
from reports.demo import results_pdf, slides_pdf
from reports.models import Document

_numbers = itertools.count(1)


def blank_pdf(pages: int = 1, *, build=None) -> bytes:
    """A PDF of blank letter pages written by pypdf; ``build(writer)`` may add to it first."""
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=612, height=792)
    if build is not None:
        build(writer)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def _action(kind: str, **entries) -> DictionaryObject:
    action = DictionaryObject({NameObject("/Type"): NameObject("/Action"), NameObject("/S"): NameObject(kind)})
    for key, value in entries.items():
        action[NameObject(f"/{key}")] = value
    return action


def with_javascript(writer):
    """A document-level script in the /Names /JavaScript tree, run when the file opens."""
    script = writer._add_object(_action("/JavaScript", JS=TextStringObject("app.alert('hello');")))
    tree = DictionaryObject({NameObject("/Names"): ArrayObject([TextStringObject("opening"), script])})
    writer._root_object[NameObject("/Names")] = DictionaryObject({NameObject("/JavaScript"): writer._add_object(tree)})


def with_open_action_script(writer):
    writer._root_object[NameObject("/OpenAction")] = _action("/JavaScript", JS=TextStringObject("app.alert(1)"))


def with_open_action_page(writer):
    """What office suites write: open at the first page, fit to the window. Harmless."""
    page = writer.pages[0].indirect_reference
    writer._root_object[NameObject("/OpenAction")] = ArrayObject([page, NameObject("/Fit")])


def _link(writer, action):
    annotation = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Annot"),
            NameObject("/Subtype"): NameObject("/Link"),
            NameObject("/Rect"): ArrayObject([FloatObject(50), FloatObject(50), FloatObject(200), FloatObject(80)]),
            NameObject("/A"): action,
        }
    )
    writer.pages[0][NameObject("/Annots")] = ArrayObject([writer._add_object(annotation)])


def with_launch_link(writer):
    _link(writer, _action("/Launch", F=TextStringObject("calc.exe")))


def with_javascript_uri(writer):
    _link(writer, _action("/URI", URI=TextStringObject("javascript:alert(1)")))


def with_web_link(writer):
    _link(writer, _action("/URI", URI=TextStringObject("https://www.halvorsen-instruments.example/investors")))


def with_embedded_file(writer):
    writer.add_attachment("payload.txt", b"not for the public")


def with_xfa(writer):
    writer._root_object[NameObject("/AcroForm")] = DictionaryObject(
        {NameObject("/Fields"): ArrayObject(), NameObject("/XFA"): ArrayObject([NumberObject(0)])}
    )


def encrypted(writer):
    writer.encrypt(user_password="", owner_password="owner-secret")


def upload(data: bytes, name: str = "results.pdf", content_type: str = "application/pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=content_type)


def good_pdf() -> bytes:
    return results_pdf(2026, 3, 84.2, 0.61)


def good_slides() -> bytes:
    return slides_pdf("Q3 FY2026 earnings presentation", [("Q2", 80.7), ("Q3", 84.2)])


def document_fields(**overrides) -> dict:
    import datetime

    fields = {
        "kind": Document.Kind.QUARTERLY_RESULTS,
        "title": "Third quarter results",
        "fiscal_year": 2026,
        "fiscal_quarter": 3,
        "document_date": datetime.date(2026, 10, 29),
        "slug": f"q3-fy2026-results-{next(_numbers)}",
        "summary": "Revenue of $84.2 million, up 12%.",
        "filings": [{"label": "Form 10-Q", "url": "https://www.sec.gov/cgi-bin/browse-edgar?action=getcompany"}],
    }
    return fields | overrides


def make_document(author, *, pdf: bytes | None = None, **overrides) -> Document:
    checked = check_upload(upload(pdf or good_pdf()), accept=PDF)
    return services.document_create(actor=author, main_file=checked, **document_fields(**overrides))
