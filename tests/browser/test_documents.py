"""Quarterly results from upload to the public financials page, in a browser, with a real Celery worker."""

import time
import zoneinfo

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from irportal.accounts.roles import IR_APPROVER, IR_AUTHOR
from reports.models import Document
from tests.browser.conftest import approve_acknowledging_every_warning, sign_in, whole_minute_ahead
from tests.factories import PASSWORD, UserFactory
from tests.reports.builders import good_pdf, good_slides

pytestmark = [pytest.mark.browser, pytest.mark.redis, pytest.mark.django_db(transaction=True)]


def upload_document(page, *, kind: str, title: str, pdf_path, slug: str):
    page.goto("/staff/documents/new/")
    page.locator("#id_kind").select_option(kind)
    page.locator("#id_title").fill(title)
    page.locator("#id_fiscal_year").fill("2026")
    page.locator("#id_fiscal_quarter").select_option("3")
    page.locator("#id_document_date").fill("2026-10-29")
    page.locator("#id_slug").fill(slug)
    page.locator("#id_main_file").set_input_files(str(pdf_path))
    page.get_by_role("button", name="Save").click()
    page.wait_for_url("**/staff/documents/*/")
    # The review screen says the thumbnail is being made, then shows it once the worker has made it.
    expect(
        page.get_by_test_id("files").get_by_role("img", name=f"Thumbnail: first page of Q3 FY2026 {title}")
    ).to_be_visible(timeout=30_000)
    page.get_by_role("button", name="Submit for review").click()
    expect(page.get_by_test_id("status")).to_have_text("In review")


def test_q3_results_with_slides_from_upload_to_the_financials_page_at_the_embargo(
    page, browser, live_server, workflow_ready, worker, tmp_path
):
    author = UserFactory(roles=[IR_AUTHOR], username="avery")
    approver = UserFactory(roles=[IR_APPROVER], username="morgan")
    results_pdf, slides_pdf = tmp_path / "hlvi-q3-2026.pdf", tmp_path / "hlvi-q3-2026-slides.pdf"
    results_pdf.write_bytes(good_pdf())
    slides_pdf.write_bytes(good_slides())

    sign_in(page, author.username, PASSWORD)
    upload_document(
        page, kind="quarterly_results", title="Third quarter results", pdf_path=results_pdf, slug="q3-fy2026-results"
    )
    upload_document(page, kind="presentation", title="Earnings slides", pdf_path=slides_pdf, slug="q3-fy2026-slides")
    page.get_by_role("button", name="Sign out").click()

    # The approver approves both for one embargo, a few seconds ahead, in company time.
    sign_in(page, approver.username, PASSWORD)
    publish_at = whole_minute_ahead(12, zoneinfo.ZoneInfo("America/Phoenix"))
    for document in Document.objects.order_by("pk"):
        page.goto(document.get_staff_url())
        page.get_by_label("Embargo, company time (optional)").fill(publish_at.strftime("%Y-%m-%dT%H:%M"))
        approve_acknowledging_every_warning(page)
        expect(page.get_by_test_id("status")).to_have_text("Approved")

    visitor = browser.new_context(base_url=live_server.url).new_page()
    visitor.goto("/investors/financials/")
    expect(visitor.get_by_test_id("quarter")).to_have_count(0)
    assert visitor.goto("/investors/documents/q3-fy2026-slides/").status == 404
    time.sleep(max(0.0, (publish_at - timezone.now()).total_seconds()) + 0.2)

    # No sweep has run: the embargo alone decides.
    visitor.goto("/investors/financials/")
    quarter = visitor.get_by_test_id("quarter")
    expect(quarter).to_have_attribute("data-quarter", "Q3 FY2026")
    expect(quarter.get_by_role("link", name="Third quarter results")).to_be_visible()
    quarter.get_by_role("link", name="Earnings slides").click()
    expect(visitor.get_by_test_id("document-thumbnail")).to_be_visible()
    assert set(Document.objects.values_list("status", flat=True)) == {"approved"}
    visitor.context.close()


def test_the_financial_pages_and_the_document_screens_have_no_wcag_violations(page, workflow_ready):
    import json

    from irportal.accounts.roles import COMPLIANCE_REVIEWER, IR_ADMIN
    from reports.checks import CODES as EVERY_WARNING
    from reports.thumbnails import document_thumbnail_make
    from reports.workflow import document_approve, document_publish, document_submit
    from tests.browser.test_accessibility import violations
    from tests.reports.builders import make_document

    author = UserFactory(roles=[IR_AUTHOR])
    approver = UserFactory(roles=[IR_APPROVER])
    everyone = UserFactory(roles=[IR_AUTHOR, IR_APPROVER, COMPLIANCE_REVIEWER, IR_ADMIN], username="jordan")
    results = make_document(author, slug="q3-fy2026-results")
    slides = make_document(author, pdf=good_slides(), slug="q3-fy2026-slides", kind="presentation", title="Slides")
    annual = make_document(author, slug="annual-2025", kind="annual_report", title="Annual report", fiscal_quarter=None)
    for document in (results, slides, annual):
        document_thumbnail_make(file_id=document.files.get().pk)
        document_submit(document_id=document.pk, actor=author)
        document_approve(document_id=document.pk, actor=approver, acknowledged=EVERY_WARNING)
        document_publish(document_id=document.pk, actor=approver)
    public = ["/investors/", "/investors/financials/", "/investors/reports/", "/investors/presentations/",
              "/investors/documents/q3-fy2026-slides/", "/investors/financials/?year=1999"]  # fmt: skip
    found = {path: violations(page, path) for path in public}
    sign_in(page, everyone.username, PASSWORD)
    for path in [
        "/staff/documents/",
        "/staff/documents/new/",
        results.get_staff_url(),
        f"{results.get_staff_url()}edit/",
    ]:
        found[path] = violations(page, path)
    failing = {path: found_here for path, found_here in found.items() if found_here}
    assert failing == {}, json.dumps(failing, indent=1)
