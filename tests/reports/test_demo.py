import pytest
from django.core.management import call_command

from reports.models import Document, DocumentFile
from reports.thumbnails import document_thumbnail_make

pytestmark = pytest.mark.django_db


def test_seed_demo_adds_two_years_of_quarters_with_pdfs_that_pass_the_checks_and_render(client):
    call_command("seed_demo")
    call_command("seed_demo")  # a second run adds nothing
    quarters = set(
        Document.objects.filter(kind="quarterly_results", status="published").values_list(
            "fiscal_year", "fiscal_quarter"
        )
    )
    assert len(quarters) == 8 and (2026, 3) in quarters
    assert Document.objects.filter(kind="presentation").count() == 9
    assert Document.objects.filter(kind__in=["annual_report", "proxy_statement"]).count() == 2
    pending = DocumentFile.objects.filter(thumbnail_state="pending")
    assert pending.count() == Document.objects.count()
    for stored in pending:
        assert document_thumbnail_make(file_id=stored.pk) == "ready"
    page = client.get("/investors/financials/").content.decode()
    assert "Halvorsen Instruments Reports Third Quarter 2026 Results" in page  # the Q3 release, linked
    assert "Third quarter 2026 results conference call" in page  # its webcast, with the replay
    presentations = client.get("/investors/presentations/").content.decode()
    assert presentations.count("/thumbnail") == 9
