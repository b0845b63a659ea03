"""Documents' uploads through the console: every bad file is a form error the author can act on, never a 500,
nothing of it is stored, and the refusal is a security event; good files are served only as downloads that cannot
run anything. The checks themselves are ``company.files``'s (tests/company/test_files.py)."""

from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from company.files import PDF, check_upload
from reports.models import Document, DocumentFile
from tests.company.test_files import XLSX_TYPE, oversized_pdf, png_bytes
from tests.factories import sign_in
from tests.reports import builders
from tests.reports.builders import blank_pdf, good_pdf, make_document, upload

pytestmark = pytest.mark.django_db


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
    assert f"the limit is {settings.UPLOAD_MAX_FILE_MB} MB" in response.content.decode()
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
        services.document_create(
            actor=author, main_file=check_upload(upload(good_pdf()), accept=PDF), **builders.document_fields()
        )
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
