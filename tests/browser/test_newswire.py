"""The newswire on the console in a browser: the dashboard's alarm coming up while it is open, and an approver
sending a failed transmission again with a fresh second factor."""

import datetime as dt
import time

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from irportal.accounts.roles import IR_APPROVER, IR_AUTHOR
from irportal.audit.models import AuditEntry
from releases.workflow import release_schedule
from tests.browser.conftest import sign_in
from tests.factories import PASSWORD, UserFactory, fresh_step_up, totp_code
from tests.wire.conftest import approved, embargo_in, only_transmission
from tests.wire.servers import MailDesk
from wire import services
from wire.models import Transmission

pytestmark = pytest.mark.browser

HEADLINE = "Halvorsen Reports Record Third Quarter"
NOT_ACCEPTED = "The embargo is less than ten minutes away and the wire has not accepted the release."


@pytest.fixture
def desk(settings):
    server = MailDesk().start()
    settings.WIRE_CHANNEL = "smtp"
    settings.WIRE_SMTP_URL = server.url
    settings.WIRE_SMTP_TO = "newsdesk@wire.example"
    settings.WIRE_SMTP_FROM = "ir@halvorsen.example"
    yield server
    server.stop()


def test_the_open_dashboard_raises_the_ten_minute_alarm_when_its_moment_comes(page, workflow_ready, desk):
    author = UserFactory(roles=[IR_AUTHOR], username="avery")
    approver = UserFactory(roles=[IR_APPROVER], username="morgan")
    release = approved(author, approver, files=False)
    sign_in(page, approver.username, PASSWORD)
    # Scheduled now (sign-in takes its time): an embargo ten minutes and a few seconds away.
    release_schedule(
        release_id=release.pk, actor=approver, publish_at=embargo_in(minutes=10, seconds=15), step_up=fresh_step_up()
    )
    services.transmission_send(only_transmission(release).pk)  # the desk took it; the wire has not accepted
    page.goto("/staff/")
    row = page.get_by_test_id("wire-board").locator(f'[data-release="{release.pk}"]')
    expect(row).to_contain_text(HEADLINE)
    expect(row.locator("[data-wire-state]")).to_have_text("Sent")
    expect(row.locator("[data-countdown]")).to_contain_text("in 10 minutes")
    expect(row.get_by_role("alert")).to_have_count(0)
    # Nobody reloads the page: at ten minutes before the embargo the alarm is up.
    expect(row.get_by_role("alert")).to_have_text(f"Alarm: {NOT_ACCEPTED}", timeout=30_000)
    expect(row.locator("[data-countdown]")).to_contain_text("in 9 minutes")


def test_an_approver_sends_a_failed_transmission_again_with_a_fresh_second_factor(page, workflow_ready, desk, settings):
    author = UserFactory(roles=[IR_AUTHOR], username="avery")
    approver = UserFactory(roles=[IR_APPROVER], username="morgan")
    desk.reply = "554 5.7.1 Account suspended"
    release = approved(author, approver, publish_at=embargo_in(hours=3), files=False)
    transmission = only_transmission(release)
    services.transmission_send(transmission.pk)

    sign_in(page, approver.username, PASSWORD)
    expect(page.get_by_test_id("wire-board")).to_contain_text("The transmission to the wire failed")
    page.goto(release.get_staff_url())
    panel = page.get_by_test_id("newswire")
    expect(panel.get_by_test_id("wire-error")).to_contain_text("554 5.7.1 Account suspended")
    settings.MFA_STEP_UP_SECONDS = 1  # the factor given at sign-in is no longer fresh
    time.sleep(2)
    desk.reply = "250 2.0.0 Queued"
    panel.get_by_role("button", name="Send again").click()

    expect(page.get_by_role("heading", name="Confirm with your second factor")).to_be_visible()
    assert Transmission.objects.get(pk=transmission.pk).status == Transmission.Status.FAILED
    assert AuditEntry.objects.filter(action="security.step_up_required", actor_id=approver.pk).count() == 1
    device = TOTPDevice.objects.get(user=approver)
    TOTPDevice.objects.filter(pk=device.pk).update(last_t=-1)  # the sign-in's code may be this step's too
    settings.MFA_STEP_UP_SECONDS = 300
    page.get_by_label("Code").fill(totp_code(device))
    page.get_by_role("button", name="Confirm and send to the wire again").click()

    expect(page.get_by_text("The transmission was queued for the wire again.")).to_be_visible()
    transmission.refresh_from_db()
    assert transmission.status in {Transmission.Status.QUEUED, Transmission.Status.SENT}
    entry = AuditEntry.objects.get(action="wire.send_again")
    assert entry.actor_id == approver.pk and entry.data["step_up"]["factor"] == "totp"
    assert dt.datetime.fromisoformat(entry.data["step_up"]["verified_at"]) > entry.timestamp - dt.timedelta(minutes=1)
