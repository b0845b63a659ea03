"""An approver's day on the console: the dashboard, the review screen, acknowledged warnings, the calendar."""

import time
import zoneinfo

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from irportal.accounts.roles import IR_APPROVER, IR_AUTHOR
from irportal.audit.models import AuditEntry
from irportal.workflow.models import State
from releases.models import Release
from releases.workflow import release_submit
from tests.browser.conftest import sign_in, whole_minute_ahead
from tests.factories import PASSWORD, UserFactory, make_release

pytestmark = pytest.mark.browser

PHOENIX = zoneinfo.ZoneInfo("America/Phoenix")
HEADLINE = "Halvorsen Instruments Opens a Calibration Laboratory in Tempe"


def test_an_approver_reviews_acknowledges_schedules_and_sees_it_go_out(page, workflow_ready):
    author = UserFactory(roles=[IR_AUTHOR], username="avery")
    approver = UserFactory(roles=[IR_APPROVER], username="morgan")
    # No contact attached: a warning the approver must acknowledge.
    release = make_release(author, slug="calibration-lab", headline=HEADLINE)
    release.contacts.clear()
    release_submit(release_id=release.pk, actor=author)

    sign_in(page, approver.username, PASSWORD)
    expect(page.get_by_test_id("waiting")).to_contain_text(HEADLINE)
    page.get_by_test_id("waiting").get_by_role("link", name=HEADLINE).click()

    # The review screen: the release as the public will read it, beside its checks.
    expect(page.get_by_test_id("review-content")).to_contain_text("Revenue of $84.2 million")
    expect(page.get_by_test_id("checks").locator('[data-check="contacts"]')).to_be_visible()

    # Approving without acknowledging the warnings is refused; nothing changes.
    embargo = whole_minute_ahead(20, PHOENIX)
    page.get_by_label("Embargo, company time (optional)").fill(embargo.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_role("button", name="Approve").click()
    expect(page.get_by_test_id("refusal")).to_contain_text("Acknowledge each warning")
    assert Release.objects.get(pk=release.pk).status == State.IN_REVIEW

    # Acknowledged one by one (the embargo typed is kept), it is approved with the embargo.
    form = page.get_by_test_id("approve-form")
    expect(form.get_by_label("Embargo, company time (optional)")).to_have_value(embargo.strftime("%Y-%m-%dT%H:%M"))
    for box in form.get_by_role("checkbox").all():
        box.check()
    form.get_by_role("button", name="Approve").click()
    expect(page.get_by_test_id("status")).to_have_text("Approved")
    approved = Release.objects.get(pk=release.pk)
    assert approved.publish_at == embargo

    # Scheduled on the dashboard and on the calendar.
    page.goto("/staff/")
    expect(page.get_by_test_id("scheduled")).to_contain_text(HEADLINE)
    page.goto(f"/staff/calendar/?month={embargo:%Y-%m}")
    expect(page.locator(f'[data-day="{embargo.date().isoformat()}"]')).to_contain_text(HEADLINE)

    # Once the embargo passes (no sweep needed) it is under Recently published.
    time.sleep(max(0.0, (embargo - timezone.now()).total_seconds()) + 0.5)
    page.goto("/staff/")
    expect(page.get_by_test_id("published")).to_contain_text(HEADLINE)
    expect(page.get_by_test_id("scheduled")).not_to_contain_text(HEADLINE)

    entry = AuditEntry.objects.get(action="release.approve", object_id=str(release.pk))
    acknowledged = {warning["code"] for warning in entry.data["acknowledged_warnings"]}
    assert "contacts" in acknowledged
    assert entry.data["step_up"]["factor"] == "totp"
