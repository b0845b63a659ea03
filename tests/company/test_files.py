"""The one check every upload passes (company/files.py): what each kind of bad file is refused for, in words the
author can act on; what good files are accepted with."""

import hashlib
import io
import time
import zipfile

import pytest
from django.core.exceptions import ValidationError
from PIL import Image
from pypdf.generic import ArrayObject, DictionaryObject, NameObject, NumberObject, TextStringObject

from company.files import DATA_FILES, IMAGES, PDF, UploadRefused, check_upload
from company.malware import Scan
from tests.reports import builders
from tests.reports.builders import _action, blank_pdf, good_pdf, upload

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SHEET = (
    '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>{}</sheetData></worksheet>'
)


def png_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), (10, 80, 150)).save(buffer, format="PNG")
    return buffer.getvalue()


def oversized_pdf(megabytes: int) -> bytes:
    """A real PDF padded with a comment to ``megabytes``: only its size is wrong."""
    data = good_pdf()
    return data + b"%" + b"0" * (megabytes * 1024 * 1024 - len(data)) + b"\n%%EOF\n"


def refusal(data: bytes, name="results.pdf", content_type="application/pdf", accept=PDF) -> str:
    with pytest.raises(ValidationError) as refused:
        check_upload(upload(data, name, content_type), accept=accept)
    assert isinstance(refused.value, UploadRefused)
    return " ".join(refused.value.messages)


def xlsx(extra: dict | None = None, content_types: str | None = None) -> bytes:
    buffer = io.BytesIO()
    types = content_types or (
        '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Override PartName="/xl/workbook.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/></Types>'
    )
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", types)
        archive.writestr("xl/workbook.xml", "<workbook/>")
        for name, body in (extra or {}).items():
            archive.writestr(name, body)
    return buffer.getvalue()


def sheet(*formulas: str) -> str:
    cells = "".join(
        f'<row r="{n}"><c r="A{n}"><f>{formula}</f><v>0</v></c></row>' for n, formula in enumerate(formulas, 1)
    )
    return SHEET.format(cells)


def workbook_refusal(data: bytes) -> str:
    return refusal(data, "tables.xlsx", XLSX_TYPE, accept=DATA_FILES)


# -- PDF ----------------------------------------------------------------------------------------------------------


def test_a_good_pdf_is_accepted_with_its_pages_hash_and_scan_state():
    data = good_pdf()
    checked = check_upload(upload(data), accept=PDF)
    assert (checked.format, checked.pages, checked.size) == ("pdf", 2, len(data))
    assert checked.sha256 == hashlib.sha256(data).hexdigest()
    assert checked.scan == Scan.NOT_SCANNED  # no scanner configured in this test


def test_a_png_renamed_pdf_is_not_a_pdf():
    assert "not a PDF, whatever its name says" in refusal(png_bytes())


def test_an_html_page_with_a_pdf_after_it_is_not_a_pdf():
    """A polyglot: browsers read the HTML, PDF viewers find the header within the first kilobyte."""
    polyglot = b"<html><body><script>alert(document.domain)</script></body></html>\n" + good_pdf()
    assert "not a PDF, whatever its name says" in refusal(polyglot)


def test_a_truncated_pdf_is_refused():
    data = good_pdf()
    assert "incomplete" in refusal(data[: len(data) // 2])


def test_garbage_after_a_pdf_header_cannot_be_read():
    assert "could not be read" in refusal(b"%PDF-1.7\n" + b"\x00\xff" * 4000 + b"\n%%EOF\n")


def bookmark_with(kind: str, *, nested: bool = False, **entries):
    def build(writer):
        top = writer.add_outline_item(title="Results", page_number=0)
        item = writer.add_outline_item(title="Outlook", page_number=0, parent=top) if nested else top
        item.get_object()[NameObject("/A")] = _action(kind, **entries)

    return build


def orphan_launch(writer):
    """An action no page, bookmark or field leads to: only a sweep of every object finds it."""
    writer._add_object(_action("/Launch", F=TextStringObject("cmd.exe")))


def field_script(writer):
    """A text field whose keystroke action runs a script, reached through the form's /Fields."""
    keystroke = _action("/JavaScript", JS=TextStringObject("app.alert(2)"))
    field = DictionaryObject(
        {
            NameObject("/FT"): NameObject("/Tx"),
            NameObject("/T"): TextStringObject("amount"),
            NameObject("/AA"): DictionaryObject({NameObject("/K"): keystroke}),
        }
    )
    writer._root_object[NameObject("/AcroForm")] = DictionaryObject(
        {NameObject("/Fields"): ArrayObject([writer._add_object(field)])}
    )


@pytest.mark.parametrize(
    ("build", "named"),
    [
        (builders.with_javascript, "JavaScript"),
        (builders.with_open_action_script, "JavaScript"),
        (builders.with_launch_link, "starts a program (Launch)"),
        (builders.with_javascript_uri, "not a web or mail address"),
        (builders.with_embedded_file, "embedded files"),
        (builders.with_xfa, "an XFA form"),
        (bookmark_with("/JavaScript", JS=TextStringObject("app.alert(1)")), "JavaScript"),
        (bookmark_with("/Launch", F=TextStringObject("calc.exe")), "starts a program (Launch)"),
        (bookmark_with("/Launch", nested=True, F=TextStringObject("calc.exe")), "starts a program (Launch)"),
        (bookmark_with("/URI", URI=TextStringObject("javascript:alert(1)")), "not a web or mail address"),
        (orphan_launch, "starts a program (Launch)"),
        (field_script, "JavaScript"),
    ],
    ids=[
        "names-tree-javascript",
        "open-action-javascript",
        "launch-link",
        "javascript-uri",
        "embedded-file",
        "xfa",
        "bookmark-javascript",
        "bookmark-launch",
        "nested-bookmark-launch",
        "bookmark-javascript-uri",
        "unreferenced-launch",
        "form-field-script",
    ],
)
def test_active_content_is_refused_and_named_wherever_the_pdf_holds_it(build, named):
    message = refusal(blank_pdf(build=build))
    assert "active content" in message and named in message


def test_what_office_suites_write_is_not_active_content():
    assert check_upload(upload(blank_pdf(build=builders.with_open_action_page)), accept=PDF).pages == 1
    assert check_upload(upload(blank_pdf(build=builders.with_web_link)), accept=PDF).pages == 1
    plain_bookmarks = bookmark_with("/GoTo", D=ArrayObject([NumberObject(0), NameObject("/Fit")]))
    assert check_upload(upload(blank_pdf(build=plain_bookmarks)), accept=PDF).pages == 1


def test_an_encrypted_pdf_is_refused_even_without_a_password_to_open_it():
    assert "encrypted or password-protected" in refusal(blank_pdf(build=builders.encrypted))


def test_page_and_size_limits(settings):
    assert "200 pages; the limit is 150" in refusal(blank_pdf(200))
    settings.UPLOAD_MAX_FILE_MB = 1
    assert "the limit is 1 MB" in refusal(oversized_pdf(2))


def test_a_declared_type_that_is_not_a_pdf_is_refused():
    assert "The browser says" in refusal(good_pdf(), content_type="text/html")


def costly_pdf(objects: int) -> bytes:
    """A few megabytes without a usable cross-reference table, each object pointing at the next: a parser
    rebuilds the table and follows the chain, which takes it far longer than reading the file."""
    out = io.BytesIO()
    out.write(b"%PDF-1.7\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n")
    out.write(b"2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj\n")
    out.write(b"3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] >> endobj\n")
    for number in range(4, objects):
        out.write(b"%d 0 obj<</A[%d 0 R]>>endobj\n" % (number, number + 1))
    out.write(b"trailer << /Root 1 0 R >>\nstartxref\n999999999\n%%EOF\n")
    return out.getvalue()


def test_a_pdf_that_takes_too_long_to_parse_is_refused_within_the_time_limit(settings):
    settings.UPLOAD_PDF_CHECK_SECONDS = 2
    # About 3 s of parsing on the idle development machine (60,000 objects took 2.05 s, too close to the limit).
    data = costly_pdf(85_000)
    assert len(data) < 3 * 1024 * 1024
    started = time.monotonic()
    assert "takes more than 2 seconds to check" in refusal(data)
    assert time.monotonic() - started < 10


# -- Spreadsheets -------------------------------------------------------------------------------------------------


def test_spreadsheets_are_checked_by_extension_type_and_structure():
    assert check_upload(upload(xlsx(), "tables.xlsx", XLSX_TYPE), accept=DATA_FILES).format == "xlsx"
    assert "not an Excel workbook" in workbook_refusal(png_bytes())
    assert "not an Excel workbook" in workbook_refusal(xlsx(content_types="<Types/>"))
    assert "PDF, Excel (.xlsx) or CSV" in refusal(b"MZ\x90\x00", "tables.exe", "application/x-msdownload", DATA_FILES)


def test_a_workbooks_formulas_are_counted_and_plain_ones_accepted():
    data = xlsx(extra={"xl/worksheets/sheet1.xml": sheet("SUM(A1:A3)", 'CONCATENATE("a|b","c")', "B2*2")})
    assert check_upload(upload(data, "tables.xlsx", XLSX_TYPE), accept=DATA_FILES).formula_cells == 3


@pytest.mark.parametrize(
    ("parts", "named"),
    [
        ({"xl/vbaProject.bin": b"\x00"}, "macros (VBA)"),
        ({"xl/macrosheets/sheet1.xml": SHEET.format("")}, "Excel 4 macro sheets"),
        ({"xl/activeX/activeX1.xml": "<ax/>"}, "ActiveX controls"),
        ({"xl/embeddings/oleObject1.bin": b"\xd0\xcf\x11\xe0"}, "embedded objects"),
        ({"xl/externalLinks/externalLink1.xml": "<externalLink><externalBook/></externalLink>"}, "external links"),
        (
            {"xl/externalLinks/externalLink1.xml": '<externalLink><ddeLink ddeService="cmd"/></externalLink>'},
            "DDE links",
        ),
        ({"xl/connections.xml": "<connections/>"}, "external data connections"),
        ({"xl/worksheets/sheet1.xml": sheet("cmd|' /C calc'!A0")}, "a DDE formula (cmd|' /C calc'!A0)"),
        ({"xl/worksheets/sheet1.xml": sheet('WEBSERVICE("https://evil.example/")')}, "fetches a web address"),
    ],
    ids=["vba", "xlm", "activex", "ole", "external-link", "dde-link", "connections", "dde-formula", "webservice"],
)
def test_a_workbook_that_runs_or_reaches_out_is_refused_saying_what_it_holds(parts, named):
    message = workbook_refusal(xlsx(extra=parts))
    assert "must not" in message and named in message


def test_a_workbook_with_a_document_type_declaration_is_refused():
    bomb = '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">]>' + sheet("SUM(A1)")
    assert "not an Excel workbook" in workbook_refusal(xlsx(extra={"xl/worksheets/sheet1.xml": bomb}))


def test_a_workbook_of_too_many_parts_or_unpacking_too_far_is_refused(settings):
    settings.UPLOAD_MAX_ARCHIVE_ENTRIES = 10
    many = xlsx(extra={f"xl/media/image{n}.png": b"x" for n in range(20)})
    assert "made of 22 parts; the limit is 10" in workbook_refusal(many)
    settings.UPLOAD_MAX_UNPACKED_MB = 1
    large = xlsx(extra={"xl/media/filler.bin": b"\x00" * (3 * 1024 * 1024)})
    assert len(large) < 64 * 1024  # a small upload that unpacks to three megabytes
    assert "unpacks to 3 MB; the limit is 1 MB" in workbook_refusal(large)


def test_csv_must_be_utf8_text_and_formula_cells_are_counted():
    refused = refusal("revenue;84,2\n".encode("utf-16"), "data.csv", "text/csv", DATA_FILES)
    assert "not UTF-8 text" in refused
    data = b'line,amount\nrevenue,84.2\nchange,-12.5\nlink,"=HYPERLINK(""https://evil.example"")"\n@SUM(A1),+cmd\n'
    checked = check_upload(upload(data, "data.csv", "text/csv"), accept=DATA_FILES)
    # Negative numbers are numbers; the HYPERLINK, the @SUM and +cmd cells are what a spreadsheet would run.
    assert (checked.format, checked.formula_cells) == ("csv", 3)


def test_a_dde_formula_in_a_csv_is_refused():
    assert "a DDE formula" in refusal(b"line,amount\nx,=cmd|' /C calc'!A0\n", "data.csv", "text/csv", DATA_FILES)


# -- Images -------------------------------------------------------------------------------------------------------


def test_an_image_passes_the_same_path_and_comes_back_re_encoded():
    checked = check_upload(upload(png_bytes(), "chart.png", "image/png"), accept=IMAGES)
    assert (checked.format, checked.image.extension, checked.scan) == ("png", "png", Scan.NOT_SCANNED)
    assert "JPEG, PNG or WebP" in refusal(good_pdf(), "chart.png", "image/png", IMAGES)
