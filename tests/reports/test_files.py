"""Uploads are checked for what they are: every bad file is a form error the author can act on, never a 500,
and nothing of it is stored; good files are served only as downloads that cannot run anything."""

import io
import zipfile
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.urls import reverse
from PIL import Image

from reports.files import check_pdf, check_supplementary
from reports.models import Document, DocumentFile
from tests.factories import sign_in
from tests.reports import builders
from tests.reports.builders import blank_pdf, good_pdf, make_document, upload

pytestmark = pytest.mark.django_db

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def png_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), (10, 80, 150)).save(buffer, format="PNG")
    return buffer.getvalue()


def oversized_pdf(megabytes: int) -> bytes:
    """A real PDF padded with a comment to ``megabytes``: only its size is wrong."""
    data = good_pdf()
    return data + b"%" + b"0" * (megabytes * 1024 * 1024 - len(data)) + b"\n%%EOF\n"


def refusal(data: bytes, name="results.pdf", content_type="application/pdf", check=check_pdf) -> str:
    with pytest.raises(ValidationError) as refused:
        check(upload(data, name, content_type))
    return " ".join(refused.value.messages)


def test_a_good_pdf_is_accepted_with_its_pages_and_hash():
    import hashlib

    data = good_pdf()
    checked = check_pdf(upload(data))
    assert (checked.format, checked.pages, checked.size) == ("pdf", 2, len(data))
    assert checked.sha256 == hashlib.sha256(data).hexdigest()


def test_a_png_renamed_pdf_is_not_a_pdf():
    assert "not a PDF, whatever its name says" in refusal(png_bytes())


def test_a_truncated_pdf_is_refused():
    data = good_pdf()
    assert "incomplete" in refusal(data[: len(data) // 2])


def test_garbage_after_a_pdf_header_cannot_be_read():
    assert "could not be read" in refusal(b"%PDF-1.7\n" + b"\x00\xff" * 4000 + b"\n%%EOF\n")


@pytest.mark.parametrize(
    ("build", "named"),
    [
        (builders.with_javascript, "JavaScript"),
        (builders.with_open_action_script, "JavaScript"),
        (builders.with_launch_link, "starts a program (Launch)"),
        (builders.with_javascript_uri, "not a web or mail address"),
        (builders.with_embedded_file, "embedded files"),
        (builders.with_xfa, "an XFA form"),
    ],
)
def test_active_content_is_refused_and_named(build, named):
    message = refusal(blank_pdf(build=build))
    assert "active content" in message and named in message


def test_what_office_suites_write_is_not_active_content():
    assert check_pdf(upload(blank_pdf(build=builders.with_open_action_page))).pages == 1
    assert check_pdf(upload(blank_pdf(build=builders.with_web_link))).pages == 1


def test_an_encrypted_pdf_is_refused_even_without_a_password_to_open_it():
    assert "encrypted or password-protected" in refusal(blank_pdf(build=builders.encrypted))


def test_page_and_size_limits(settings):
    assert "200 pages; the limit is 150" in refusal(blank_pdf(200))
    settings.REPORTS_MAX_FILE_MB = 1
    assert "the limit is 1 MB" in refusal(oversized_pdf(2))


def test_a_declared_type_that_is_not_a_pdf_is_refused():
    assert "The browser says" in refusal(good_pdf(), content_type="text/html")


def xlsx(extra: dict | None = None, content_types: str | None = None) -> bytes:
    buffer = io.BytesIO()
    types = content_types or (
        '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Override PartName="/xl/workbook.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/></Types>'
    )
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", types)
        archive.writestr("xl/workbook.xml", "<workbook/>")
        for name, body in (extra or {}).items():
            archive.writestr(name, body)
    return buffer.getvalue()


def test_spreadsheets_are_checked_by_extension_type_and_structure():
    assert check_supplementary(upload(xlsx(), "tables.xlsx", XLSX_TYPE)).format == "xlsx"
    assert "not an Excel workbook" in refusal(png_bytes(), "tables.xlsx", XLSX_TYPE, check=check_supplementary)
    assert "not an Excel workbook" in refusal(
        xlsx(content_types="<Types/>"), "tables.xlsx", XLSX_TYPE, check=check_supplementary
    )
    macros = xlsx(extra={"xl/vbaProject.bin": b"\x00"})
    assert "macros" in refusal(macros, "tables.xlsx", XLSX_TYPE, check=check_supplementary)
    assert "PDF, Excel (.xlsx) or CSV" in refusal(
        b"MZ\x90\x00", "tables.exe", "application/x-msdownload", check=check_supplementary
    )


def test_csv_must_be_utf8_text_and_formula_cells_are_counted():
    refused = refusal("revenue;84,2\n".encode("utf-16"), "data.csv", "text/csv", check=check_supplementary)
    assert "not UTF-8 text" in refused
    data = b'line,amount\nrevenue,84.2\nchange,-12.5\nlink,"=HYPERLINK(""https://evil.example"")"\n@SUM(A1),+cmd\n'
    checked = check_supplementary(upload(data, "data.csv", "text/csv"))
    # Negative numbers are numbers; the HYPERLINK, the @SUM and +cmd cells are what a spreadsheet would run.
    assert (checked.format, checked.formula_cells) == ("csv", 3)


# -- through the console: a form error, nothing stored ------------------------------------------------------------


def create_form(main_file, **overrides) -> dict:
    return {
        "kind": "quarterly_results",
        "title": "Third quarter results",
        "fiscal_year": "2026",
        "fiscal_quarter": "3",
        "document_date": "2026-10-29",
        "slug": "",
        "summary": "",
        "filings": "Form 10-Q | https://www.sec.gov/",
        "main_file": main_file,
    } | overrides


def stored_files() -> set[Path]:
    root = Path(settings.MEDIA_ROOT)
    return {path for path in root.rglob("*") if path.is_file()} if root.exists() else set()


@pytest.mark.parametrize(
    ("data", "name", "expected"),
    [
        (png_bytes(), "results.pdf", "not a PDF"),
        (blank_pdf(build=builders.with_javascript), "results.pdf", "JavaScript"),
        (good_pdf()[:4000], "results.pdf", "incomplete"),
        (blank_pdf(200), "results.pdf", "200 pages"),
    ],
    ids=["png-renamed", "javascript", "truncated", "200-pages"],
)
def test_a_bad_main_file_is_a_form_error_and_nothing_is_stored(client, company, author, data, name, expected):
    sign_in(client, author)
    before = stored_files()
    response = client.post(reverse("console:create", kwargs={"kind": "documents"}), create_form(upload(data, name)))
    assert response.status_code == 200
    assert expected in response.content.decode()
    assert Document.objects.count() == 0 and DocumentFile.objects.count() == 0
    assert stored_files() == before


def test_a_60_mb_upload_reaches_the_form_and_is_refused_there(client, company, author):
    """Django streams it to a temporary file (no request-size error): the form says what the limit is."""
    sign_in(client, author)
    before = stored_files()
    response = client.post(
        reverse("console:create", kwargs={"kind": "documents"}), create_form(upload(oversized_pdf(60)))
    )
    assert response.status_code == 200
    assert f"the limit is {settings.REPORTS_MAX_FILE_MB} MB" in response.content.decode()
    assert Document.objects.count() == 0 and stored_files() == before


def test_a_bad_supplementary_file_is_a_form_error_on_the_review_screen(client, company, author):
    document = make_document(author)
    sign_in(client, author)
    before = stored_files()
    url = reverse("console:operation", kwargs={"kind": "documents", "pk": document.pk, "operation": "add_file"})
    response = client.post(url, {"file": upload(png_bytes(), "tables.xlsx", XLSX_TYPE), "label": "Tables"})
    assert response.status_code == 400
    assert "not an Excel workbook" in response.content.decode()
    assert document.files.count() == 1 and Document.objects.get(pk=document.pk).version == 1
    assert stored_files() == before


def test_a_failed_save_deletes_the_file_it_stored(company, author, monkeypatch):
    """Storage is written inside the save's transaction: when the save fails after that, the file goes too."""
    from irportal.workflow import engine
    from reports import services

    before = stored_files()

    def broken(*args, **kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(engine, "new_revision", broken)
    with pytest.raises(RuntimeError):
        services.document_create(actor=author, main_file=check_pdf(upload(good_pdf())), **builders.document_fields())
    assert Document.objects.count() == 0 and stored_files() == before


def test_a_formula_csv_is_accepted_and_only_ever_downloaded(client, company, author):
    document = make_document(author)
    sign_in(client, author)
    url = reverse("console:operation", kwargs={"kind": "documents", "pk": document.pk, "operation": "add_file"})
    data = b'line,amount\nlink,"=HYPERLINK(""https://evil.example"",""click"")"\n'
    response = client.post(url, {"file": upload(data, "data.csv", "text/csv"), "label": "Financial data"})
    assert response.status_code == 302
    stored = document.files.get(role="supplementary")
    download = client.get(
        reverse(
            "console:file", kwargs={"kind": "documents", "pk": document.pk, "token": stored.token, "rendition": "file"}
        )
    )
    assert download["Content-Type"] == "text/csv; charset=utf-8"
    assert download["Content-Disposition"].startswith("attachment;")
    assert download["X-Content-Type-Options"] == "nosniff"
    assert download["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert b"".join(download.streaming_content) == data
    review = client.get(document.get_staff_url()).content.decode()
    assert "1 cell begins like a formula" in review
