"""The newswire on the console: the dashboard's states and alarms, the release's panel and its confirmation
form, the approval's message, the settings page, and compliance's record of what went out."""

import datetime as dt
import json

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from irportal.accounts.roles import COMPLIANCE_REVIEWER
from irportal.audit.models import AuditEntry
from releases.models import Release
from tests.factories import UserFactory, make_release, shown_revision, sign_in
from tests.wire.conftest import AFTER, WITH, approved, embargo_in, only_transmission, policy
from wire import services
from wire.models import Transmission, WireSettings

pytestmark = pytest.mark.django_db


def test_the_dashboard_shows_each_scheduled_releases_wire_state_and_the_ten_minute_alarm(
    client, company, author, approver, smtp_wire
):
    embargo = embargo_in(hours=1)
    release = approved(author, approver, publish_at=embargo, files=False)
    services.transmission_send(only_transmission(release).pk)
    sign_in(client, approver)
    page = client.get("/staff/").content.decode()
    assert f'data-release="{release.pk}"' in page and 'data-wire-state="sent"' in page
    assert f'data-countdown="{embargo.isoformat()}"' in page and "data-wire-alarm" not in page
    with time_machine.travel(embargo - dt.timedelta(minutes=10), tick=False):
        sign_in(client, approver)
        page = client.get("/staff/").content.decode()
    assert "The embargo is less than ten minutes away and the wire has not accepted the release." in page
    with time_machine.travel(embargo + dt.timedelta(seconds=1), tick=False):
        sign_in(client, approver)
        page = client.get("/staff/").content.decode()
    assert "the website holds the release" in page


def test_the_approval_says_where_the_release_goes_and_website_only_news_says_so(
    client, company, author, approver, smtp_wire
):
    policy(AFTER)
    messages = {}
    for website_only in (False, True):
        release = make_release(author, website_only=website_only, slug=f"news-{website_only}".lower())
        from releases.workflow import release_submit

        release_submit(release_id=release.pk, actor=author)
        sign_in(client, approver)
        url = reverse("console:transition", kwargs={"kind": "releases", "pk": release.pk, "transition": "approve"})
        fields = shown_revision(release) | {"publish_at": "2030-01-02T16:30:00"}
        fields["acknowledge"] = __import__("releases.checks", fromlist=["CODES"]).CODES
        response = client.post(url, fields, follow=True)
        assert response.status_code == 200
        messages[website_only] = [str(message) for message in response.context["messages"]]
    assert any("Queued for BUSINESS WIRE, held for release until Jan. 2, 2030" in m for m in messages[False])
    assert any("the later of the embargo and the wire's confirmation" in m for m in messages[False])
    assert any("Website only: this release does not go on the newswire." in m for m in messages[True])


def test_an_approver_records_the_confirmation_on_the_release_page_and_bad_input_changes_nothing(
    client, company, author, approver, smtp_wire
):
    release = approved(author, approver, publish_at=embargo_in(hours=1), files=False)
    transmission = only_transmission(release)
    services.transmission_send(transmission.pk)
    sign_in(client, approver)
    page = client.get(release.get_staff_url()).content.decode()
    assert "Record the wire&#x27;s confirmation" in page and transmission.exhibit.sha256 in page
    url = f"/staff/releases/{release.pk}/op/wire_confirm/"
    for bad in ({"crossed_at": "yesterday"}, {"crossed_at": "2999-01-01T00:00:00"}, {"transmission": "0"}):
        fields = {"transmission": transmission.pk, "crossed_at": "2026-12-08T16:05:02", "wire_id": "BW-1"} | bad
        response = client.post(url, fields)
        assert response.status_code == 400, bad
    transmission.refresh_from_db()
    assert transmission.status == Transmission.Status.SENT
    assert not AuditEntry.objects.filter(action="wire.confirmed").exists()
    response = client.post(
        url, {"transmission": transmission.pk, "crossed_at": "2026-01-08T16:05:02", "wire_id": "BW-1"}
    )
    assert response.status_code == 302
    transmission.refresh_from_db()
    assert transmission.status == Transmission.Status.CONFIRMED and transmission.wire_id == "BW-1"
    assert transmission.crossed_at == dt.datetime(2026, 1, 8, 23, 5, 2, tzinfo=dt.UTC)  # 4:05:02 pm MST
    assert Release.objects.get(pk=release.pk).gate_opens_at is not None


def test_an_author_may_not_record_a_confirmation_and_the_refusal_is_audited(
    client, company, author, approver, smtp_wire
):
    release = approved(author, approver, publish_at=embargo_in(hours=1), files=False)
    transmission = only_transmission(release)
    sign_in(client, author)
    url = f"/staff/releases/{release.pk}/op/wire_confirm/"
    response = client.post(url, {"transmission": transmission.pk, "crossed_at": "2026-01-08T16:05:02"})
    assert response.status_code == 403
    assert AuditEntry.objects.filter(action="security.permission_denied").exists()
    assert only_transmission(release).status == Transmission.Status.QUEUED


def test_recording_the_confirmation_asks_for_a_fresh_factor_and_a_refusal_changes_nothing(
    client, company, author, approver, smtp_wire
):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from irportal.workflow.engine import WorkflowPermissionDenied
    from tests.factories import totp_code

    release = approved(author, approver, publish_at=embargo_in(hours=1), files=False)
    transmission = only_transmission(release)
    services.transmission_send(transmission.pk)
    sign_in(client, approver, verified_at=timezone.now() - dt.timedelta(minutes=10))
    with pytest.raises(WorkflowPermissionDenied, match="second factor"):  # the service itself asks too
        services.transmission_confirm(actor=approver, transmission_id=transmission.pk, crossed_at=timezone.now())
    denial = AuditEntry.objects.get(action="security.permission_denied", actor_id=approver.pk)
    assert denial.data["transition"] == "wire.confirm"
    url = f"/staff/releases/{release.pk}/op/wire_confirm/"
    fields = {"transmission": transmission.pk, "crossed_at": "2026-01-08T16:05:02", "wire_id": "BW-1"}
    response = client.post(url, fields)
    assert response.status_code == 403 and 'name="second_factor_code"' in response.content.decode()
    assert AuditEntry.objects.filter(action="security.step_up_required", actor_id=approver.pk).count() == 1
    assert only_transmission(release).status == Transmission.Status.SENT
    assert Release.objects.get(pk=release.pk).gate_opens_at is None
    code = totp_code(TOTPDevice.objects.get(user=approver))
    assert client.post(url, fields | {"second_factor_code": code}).status_code == 302
    assert only_transmission(release).status == Transmission.Status.CONFIRMED
    assert AuditEntry.objects.get(action="wire.confirmed").data["step_up"]["factor"] == "totp"


def test_the_admin_sets_the_policy_and_the_change_is_audited(client, company, admin, approver):
    sign_in(client, admin)
    assert client.post("/staff/wire/", {"policy": WITH, "lead_minutes": "0", "account": ""}).status_code == 400
    response = client.post("/staff/wire/", {"policy": WITH, "lead_minutes": "20", "account": "HLVI-0042"})
    assert response.status_code == 302
    wire = WireSettings.load()
    assert (wire.policy, wire.lead_minutes, wire.account) == (WITH, 20, "HLVI-0042")
    changes = AuditEntry.objects.get(action="wire.settings_update").changes
    assert changes["policy"] == {"before": AFTER, "after": WITH}
    sign_in(client, approver)
    assert client.get("/staff/wire/").status_code == 200
    assert client.post("/staff/wire/", {"policy": AFTER, "lead_minutes": "5"}).status_code == 403
    assert WireSettings.load().policy == WITH


def test_compliance_reads_what_went_out_with_the_hashes(client, company, author, approver, smtp_wire):
    release = approved(author, approver, publish_at=embargo_in(hours=1), files=False)
    transmission = only_transmission(release)
    services.transmission_send(transmission.pk)
    transmission.refresh_from_db()
    reviewer = UserFactory(roles=[COMPLIANCE_REVIEWER])
    sign_in(client, reviewer)
    page = client.get("/compliance/wire/").content.decode()
    for shown in (
        str(transmission.reference),
        transmission.exhibit.sha256,
        transmission.content_hash,
        transmission.payload_sha256,
        "250 2.0.0 Queued for the news desk",
    ):
        assert shown in page
    assert client.get("/compliance/wire/?status=failed").content.decode().count("data-transmission=") == 0
    # The audit export carries the same record.
    response = client.get("/compliance/audit/export.jsonl?action=wire.sent")
    export = b"".join(response.streaming_content).decode()
    assert transmission.exhibit.sha256 in export and transmission.payload_sha256 in export
    # The wire's confirmation, once recorded: in the view and in the export, with what it confirmed.
    crossed = timezone.now().replace(microsecond=0) - dt.timedelta(seconds=5)
    services.transmission_confirm(
        actor=approver, transmission_id=transmission.pk, crossed_at=crossed, wire_id="BW-20261208-0042"
    )
    page = client.get("/compliance/wire/?status=confirmed").content.decode()
    assert page.count("data-transmission=") == 1 and "BW-20261208-0042" in page and approver.username in page
    export = b"".join(client.get("/compliance/audit/export.jsonl?action=wire.confirmed").streaming_content)
    entries = [json.loads(line) for line in export.decode().splitlines()]
    (confirmed,) = [entry["data"] for entry in entries if entry.get("action") == "wire.confirmed"]
    assert (confirmed["wire_id"], confirmed["crossed_at"], confirmed["channel"]) == (
        "BW-20261208-0042",
        crossed.isoformat(),
        "smtp",
    )
    assert confirmed["exhibit_sha256"] == transmission.exhibit.sha256
    assert confirmed["reference"] == str(transmission.reference)
    nobody = UserFactory()
    client.force_login(nobody)
    assert client.get("/compliance/wire/").status_code == 403
