import io
import time
import zoneinfo

import pytest
from django.utils import timezone
from PIL import Image
from playwright.sync_api import expect

from irportal.accounts.roles import IR_APPROVER, IR_AUTHOR
from irportal.workflow.sweep import run_sweep
from releases.models import Release
from tests.browser.conftest import approve_acknowledging_every_warning, sign_in, whole_minute_ahead
from tests.factories import PASSWORD, UserFactory, make_release
from tests.releases.xss import PAYLOADS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TABLE = (
    "<table><tbody><tr><th>Quarter</th><th>Revenue ($M)</th></tr>"
    "<tr><td>Q3 2026</td><td>84.2</td></tr><tr><td>Q3 2025</td><td>75.1</td></tr></tbody></table>"
)

PASTE = """
(html) => {
  const data = new DataTransfer();
  data.setData("text/html", html);
  data.setData("text/plain", "pasted");
  const target = document.querySelector(".jodit-wysiwyg");
  target.focus();
  target.dispatchEvent(new ClipboardEvent("paste", {clipboardData: data, bubbles: true, cancelable: true}));
}
"""


def chart_png(tmp_path):
    path = tmp_path / "revenue-chart.png"
    image = Image.new("RGB", (320, 200), (11, 83, 148))
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    path.write_bytes(buffer.getvalue())
    return path


def test_release_from_draft_through_review_to_the_public_page_and_feed(
    page, browser, live_server, workflow_ready, tmp_path
):
    author = UserFactory(roles=[IR_AUTHOR], username="avery")
    approver = UserFactory(roles=[IR_APPROVER], username="morgan")

    # The author drafts a release with a table pasted from a word processor, and an image.
    sign_in(page, author.username, PASSWORD)
    page.goto("/staff/releases/new/")
    page.locator("#id_headline").fill("Halvorsen Instruments Reports Third Quarter Results")
    page.get_by_label("Slug").fill("halvorsen-q3-2026")
    page.get_by_label("Dateline city").fill("Phoenix")
    page.get_by_label("Dateline region").fill("Ariz.")
    page.locator(".jodit-wysiwyg").click()
    page.evaluate(PASTE, "<p>Halvorsen Instruments, Inc. (Nasdaq: HLVI) today reported results.</p>" + TABLE)
    page.get_by_role("button", name="Save").click()
    page.wait_for_url("**/staff/releases/*/")
    release = Release.objects.get(slug="halvorsen-q3-2026")
    assert "<table>" in release.body and "84.2" in release.body
    page.locator("#id_image").set_input_files(str(chart_png(tmp_path)))
    page.locator("#id_alt_text").fill("Revenue by quarter")
    page.get_by_role("button", name="Add an image").click()
    expect(page.get_by_test_id("files").get_by_role("img", name="Revenue by quarter")).to_be_visible()
    page.get_by_role("button", name="Submit for review").click()
    expect(page.get_by_test_id("status")).to_have_text("In review")
    page.get_by_role("button", name="Sign out").click()

    # The approver asks for a change.
    sign_in(page, approver.username, PASSWORD)
    page.goto(f"/staff/releases/{release.pk}/")
    page.get_by_label("What needs to change (required)").fill("Add the year-ago quarter to the headline.")
    page.get_by_role("button", name="Request changes").click()
    expect(page.get_by_test_id("status")).to_have_text("Draft")
    page.get_by_role("button", name="Sign out").click()

    # The author edits and resubmits.
    sign_in(page, author.username, PASSWORD)
    page.goto(f"/staff/releases/{release.pk}/edit/")
    page.locator("#id_headline").fill("Halvorsen Instruments Reports Third Quarter Revenue Up 12%")
    page.get_by_role("button", name="Save").click()
    page.wait_for_url(f"**/staff/releases/{release.pk}/")
    page.get_by_role("button", name="Submit for review").click()
    page.get_by_role("button", name="Sign out").click()

    # The approver approves with an embargo a few seconds ahead.
    sign_in(page, approver.username, PASSWORD)
    page.goto(f"/staff/releases/{release.pk}/")
    publish_at = whole_minute_ahead(4, zoneinfo.ZoneInfo("America/Phoenix"))
    page.get_by_label("Embargo, company time (optional)").fill(publish_at.strftime("%Y-%m-%dT%H:%M"))
    approve_acknowledging_every_warning(page)
    expect(page.get_by_test_id("status")).to_have_text("Approved")

    visitor = browser.new_context(base_url=live_server.url).new_page()
    assert visitor.goto("/investors/news/halvorsen-q3-2026/").status == 404
    time.sleep(max(0.0, (publish_at - timezone.now()).total_seconds()) + 0.2)
    assert run_sweep()["releases.publish"] == [release.pk]

    visitor.goto("/investors/news/")
    visitor.get_by_role("link", name="Halvorsen Instruments Reports Third Quarter Revenue Up 12%").click()
    expect(visitor.get_by_role("cell", name="84.2")).to_be_visible()
    expect(visitor.get_by_role("img", name="Revenue by quarter")).to_be_visible()
    feed = visitor.request.get("/investors/news/feed/").text()
    assert "Third Quarter Revenue Up 12%" in feed
    visitor.context.close()


def test_no_payload_runs_script_in_the_browser(page, workflow_ready):
    author = UserFactory(roles=[IR_AUTHOR])
    release = make_release(author, headline=PAYLOADS[0], body="".join(PAYLOADS))
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    sign_in(page, author.username, PASSWORD)
    page.goto(f"/staff/releases/{release.pk}/preview/")
    page.wait_for_load_state("networkidle")
    assert dialogs == []
    assert page.locator("article script, article iframe, article [onerror]").count() == 0
