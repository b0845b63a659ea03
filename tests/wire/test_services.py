"""The hand-off to the wire: one transmission per approved revision, the sequencing guard in both policies
(read time, on every public surface, to the second), the alarms, "send again", corrections."""

import datetime as dt
import zoneinfo

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from company.timefmt import AP, date_text
from irportal.audit.models import AuditEntry
from irportal.workflow.models import OutboxMessage, State
from irportal.workflow.sweep import run_sweep
from releases.checks import CODES as EVERY_WARNING
from releases.models import Release, ReleaseAttachment
from releases.services import release_update
from releases.workflow import release_approve, release_publish, release_schedule, release_submit
from tests.factories import fresh_step_up, make_release
from tests.wire.conftest import AFTER, WITH, approved, embargo_in, only_transmission, policy
from wire import services
from wire.models import Transmission

pytestmark = pytest.mark.django_db

Status = Transmission.Status
HEADLINE = "Halvorsen Reports Record Third Quarter"


def surfaces(release) -> dict[str, bytes]:
    """Every public address the release could show on, with what would show there (a file: any answer 200)."""
    from events.models import EventAnnouncement

    found = {
        "/investors/": HEADLINE,
        "/investors/news/": HEADLINE,
        "/investors/news/?q=record+quarter": HEADLINE,
        f"/investors/news/{release.slug}/": HEADLINE,
        "/investors/news/feed/": HEADLINE,
        "/sitemap-news.xml": f"/investors/news/{release.slug}/",
    }
    for link in EventAnnouncement.objects.filter(release=release).select_related("event"):
        found[f"/investors/events/{link.event.slug}/"] = f'Announced in <a href="/investors/news/{release.slug}/">'
    files = [(image.token, "large") for image in release.images.all()]
    files += [(attachment.token, "file") for attachment in ReleaseAttachment.objects.filter(release=release)]
    for token, rendition in files:
        found[f"/investors/news/{release.slug}/files/{token}/{rendition}"] = ""
    return {path: text.encode() for path, text in found.items()}


def announced_event(release, author, approver):
    """A public event the release announces: its page links the release while the release is public."""
    from events.models import EventAnnouncement
    from tests.events.builders import make_event, published

    event = published(make_event(author), author, approver)
    revision = event.live_revision
    EventAnnouncement.objects.create(
        event=event, release=release, revision_number=revision.number, content_hash=revision.content_hash
    )
    return event


def public_everywhere(client, release, moment) -> bool | None:
    """True when the release shows on every surface at ``moment``, False when on none (and its alert would
    say nothing); a surface disagreeing with the others fails the test."""
    from alerts.topics import release_alert

    with time_machine.travel(moment, tick=False):
        shown = {}
        for path, text in surfaces(release).items():
            response = client.get(path)
            content = b"".join(response.streaming_content) if response.streaming else response.content
            shown[path] = response.status_code == 200 and text in content
        shown["alert"] = release_alert(release.pk) is not None
        shown["rule"] = Release.objects.public(moment).filter(pk=release.pk).exists()
    assert len(set(shown.values())) == 1, (moment, shown)
    return shown["rule"]


def sent(release) -> Transmission:
    transmission = only_transmission(release)
    services.transmission_send(transmission.pk)
    transmission.refresh_from_db()
    return transmission


def test_approval_queues_one_transmission_of_the_revision_for_its_embargo_and_says_so(
    client, company, author, approver, smtp_wire
):
    embargo = embargo_in(days=1)
    release = approved(author, approver, publish_at=embargo)
    transmission = only_transmission(release)
    assert (transmission.revision_number, transmission.hold_until) == (release.approved_revision.number, embargo)
    assert transmission.content_hash == release.approved_revision.content_hash
    assert transmission.kind == Transmission.Kind.RELEASE and transmission.channel == "smtp"
    assert OutboxMessage.objects.filter(handler="wire.transmit", payload__transmission_id=transmission.pk).count() == 1
    assert release.held and "Queued for BUSINESS WIRE" in release.transition_notes[0]
    entry = AuditEntry.objects.get(action="release.approve")
    assert entry.data["wire"]["exhibit_sha256"] == transmission.exhibit.sha256
    # Approving the same revision for the same second again sends nothing more.
    release_schedule(release_id=release.pk, actor=approver, publish_at=embargo, step_up=fresh_step_up())
    assert Transmission.objects.filter(release=release).count() == 1


def test_a_website_only_release_says_so_on_approval_and_is_public_at_its_embargo(
    client, company, author, approver, smtp_wire
):
    embargo = embargo_in(hours=2)
    release = approved(author, approver, publish_at=embargo, website_only=True, files=False)
    assert release.transition_notes == ["Website only: this release does not go on the newswire."]
    assert not release.held and not Transmission.objects.exists()
    assert AuditEntry.objects.get(action="release.approve").data["held"] is False
    assert public_everywhere(client, release, embargo) is True


def test_without_a_channel_every_release_is_website_only(client, company, author, approver, settings):
    settings.WIRE_CHANNEL = ""
    release = approved(author, approver, publish_at=embargo_in(hours=2), files=False)
    assert release.transition_notes[0].startswith("Website only: no newswire channel is configured")
    assert not release.held


@pytest.mark.parametrize("rule", [AFTER, WITH])
def test_with_no_acceptance_a_release_is_on_no_surface_until_the_second_the_confirmation_arrives(
    client, company, author, approver, admin, smtp_wire, django_capture_on_commit_callbacks, rule
):
    policy(rule)
    embargo = embargo_in(hours=1)
    release = approved(author, approver, publish_at=embargo)  # with an image and a PDF document
    announced_event(release, author, approver)
    assert len(surfaces(release)) == 9
    transmission = sent(release)
    assert transmission.status == Status.SENT  # a mail desk delivers; it does not accept
    # The alarms: ten minutes before, "not accepted"; at the embargo, "held"; each once, by mail and in the log.
    mail.outbox.clear()
    assert run_sweep(embargo - dt.timedelta(minutes=11))["wire.alarms"] == []
    assert run_sweep(embargo - dt.timedelta(minutes=10))["wire.alarms"] == [transmission.pk]
    assert run_sweep(embargo - dt.timedelta(minutes=9))["wire.alarms"] == []
    # With no confirmation the release is on no surface, at and after its embargo, and the sweep publishes nothing.
    for moment in (embargo - dt.timedelta(seconds=1), embargo, embargo + dt.timedelta(minutes=20)):
        assert public_everywhere(client, release, moment) is False
        changed = run_sweep(moment)
        assert changed["releases.publish"] == []
        assert changed["wire.alarms"] == ([transmission.pk] if moment == embargo else [])
    reasons = [entry.data["reason"] for entry in AuditEntry.objects.filter(action="wire.alarm").order_by("sequence")]
    assert reasons == ["not_accepted", "held"]
    assert not OutboxMessage.objects.filter(handler="alerts.fan_out", payload__kind="release").exists()  # no alert mail
    for message in OutboxMessage.objects.filter(handler="wire.alarm_mail"):
        services.send_alarm_mail(message.payload)
    assert {tuple(message.to) for message in mail.outbox} == {(approver.email,), (admin.email,)}
    assert all("Newswire alarm" in message.subject for message in mail.outbox)

    confirmed_at = embargo + dt.timedelta(minutes=25, seconds=7)
    with time_machine.travel(confirmed_at, tick=False), django_capture_on_commit_callbacks(execute=True):
        services.transmission_confirm(
            step_up=fresh_step_up(),
            actor=approver,
            transmission_id=transmission.pk,
            crossed_at=confirmed_at - dt.timedelta(seconds=5),
            wire_id="BW-42",
        )
    assert public_everywhere(client, release, confirmed_at - dt.timedelta(seconds=1)) is False
    assert public_everywhere(client, release, confirmed_at) is True
    assert run_sweep(confirmed_at + dt.timedelta(seconds=30))["releases.publish"] == [release.pk]
    release.refresh_from_db()
    assert release.status == State.PUBLISHED and release.first_published_at == confirmed_at
    assert OutboxMessage.objects.filter(handler="alerts.fan_out", payload__kind="release").count() == 1
    entry = AuditEntry.objects.get(action="wire.confirmed")
    assert (entry.actor_id, entry.data["source"], entry.data["wire_id"], entry.data["gate_opened"]) == (
        approver.pk,
        "staff",
        "BW-42",
        True,
    )
    assert entry.data["exhibit_sha256"] == transmission.exhibit.sha256


def test_with_the_wire_a_timely_acceptance_makes_it_public_at_the_embargo_second(
    client, company, author, approver, https_wire
):
    policy(WITH, lead_minutes=15)
    embargo = embargo_in(hours=1)
    release = approved(author, approver, publish_at=embargo, files=False)
    transmission = sent(release)  # the HTTPS wire answers "accepted", an hour before
    assert transmission.status == Status.ACCEPTED
    assert public_everywhere(client, release, embargo - dt.timedelta(seconds=1)) is False
    assert public_everywhere(client, release, embargo) is True
    assert run_sweep(embargo)["wire.alarms"] == []


def test_with_the_wire_a_late_acceptance_holds_it_until_the_confirmation_and_alarms(
    client, company, author, approver, https_wire, django_capture_on_commit_callbacks
):
    policy(WITH, lead_minutes=15)
    embargo = embargo_in(hours=1)
    release = approved(author, approver, publish_at=embargo, files=False)
    with time_machine.travel(embargo - dt.timedelta(minutes=14, seconds=59), tick=False):
        transmission = sent(release)  # accepted a second too late
    assert transmission.status == Status.ACCEPTED
    assert OutboxMessage.objects.filter(handler="wire.alarm_mail", payload__reason="late").count() == 1
    assert AuditEntry.objects.get(action="wire.accepted").data["in_time"] is False
    for moment in (embargo, embargo + dt.timedelta(hours=1)):
        assert public_everywhere(client, release, moment) is False
    assert run_sweep(embargo)["wire.alarms"] == [transmission.pk]  # held at its embargo
    crossed = embargo + dt.timedelta(minutes=2)
    with time_machine.travel(crossed, tick=False), django_capture_on_commit_callbacks(execute=True):
        services.transmission_confirm(
            step_up=fresh_step_up(), actor=approver, transmission_id=transmission.pk, crossed_at=crossed
        )
    assert public_everywhere(client, release, crossed) is True


def test_a_permanent_failure_is_surfaced_and_sent_again_by_the_approver(
    client, company, author, approver, smtp_wire, django_capture_on_commit_callbacks
):
    from tests.factories import sign_in

    smtp_wire.reply = "554 5.7.1 Account suspended"
    release = approved(author, approver, publish_at=embargo_in(hours=3), files=False)
    transmission = sent(release)
    assert transmission.status == Status.FAILED
    sign_in(client, approver)
    page = client.get(release.get_staff_url()).content.decode()
    assert "554 5.7.1 Account suspended" in page and 'data-wire-state="failed"' in page
    assert "The transmission to the wire failed" in client.get("/staff/").content.decode()

    smtp_wire.reply = "250 2.0.0 Queued"
    url = f"/staff/releases/{release.pk}/op/wire_send_again/"
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(url, {"transmission": transmission.pk})
    assert response.status_code == 302
    entry = AuditEntry.objects.get(action="wire.send_again")
    assert entry.actor_id == approver.pk and entry.data["previous_error"].startswith("The wire's mail server refused")
    assert entry.data["step_up"]["factor"] == "totp"  # the fresh second factor it was sent again with
    assert callbacks  # the outbox hands the sending on after the commit
    assert services.transmission_send(transmission.pk) == Status.SENT
    assert len(smtp_wire.messages) == 1
    # A second "send again", with nothing failed any more, finds no such operation, and nothing is queued.
    assert client.post(url, {"transmission": transmission.pk}).status_code == 404
    assert AuditEntry.objects.filter(action="wire.send_again").count() == 1


@pytest.mark.parametrize("role", ["author", "admin", "compliance"])
def test_send_again_is_refused_to_anyone_but_an_approver_and_the_refusal_is_recorded(
    company, author, approver, admin, smtp_wire, role
):
    from irportal.accounts.roles import COMPLIANCE_REVIEWER
    from irportal.workflow.engine import WorkflowPermissionDenied
    from tests.factories import UserFactory

    actor = {"author": author, "admin": admin, "compliance": UserFactory(roles=[COMPLIANCE_REVIEWER])}[role]
    smtp_wire.reply = "550 no"
    release = approved(author, approver, publish_at=embargo_in(hours=3), files=False)
    transmission = sent(release)
    with pytest.raises(WorkflowPermissionDenied, match="does not allow"):
        services.transmission_send_again(actor=actor, transmission_id=transmission.pk, step_up=fresh_step_up())
    denial = AuditEntry.objects.get(action="security.permission_denied")
    assert (denial.actor_id, denial.object_id, denial.data["transition"]) == (
        actor.pk,
        str(release.pk),
        "wire.send_again",
    )
    transmission.refresh_from_db()
    assert transmission.status == Status.FAILED
    assert not AuditEntry.objects.filter(action="wire.send_again").exists()
    assert OutboxMessage.objects.filter(handler="wire.transmit").count() == 1  # the approval's, nothing more


def test_send_again_without_a_fresh_second_factor_is_refused_and_recorded(company, author, approver, smtp_wire):
    from irportal.workflow.engine import WorkflowPermissionDenied
    from tests.factories import enrol_totp

    smtp_wire.reply = "550 no"
    release = approved(author, approver, publish_at=embargo_in(hours=3), files=False)
    transmission = sent(release)
    enrol_totp(approver)
    stale = {"verified_at": (timezone.now() - dt.timedelta(minutes=30)).isoformat(), "factor": "totp"}
    for step_up in (None, stale):
        with pytest.raises(WorkflowPermissionDenied, match="second factor"):
            services.transmission_send_again(actor=approver, transmission_id=transmission.pk, step_up=step_up)
    denials = AuditEntry.objects.filter(action="security.permission_denied", actor_id=approver.pk)
    assert [entry.data["transition"] for entry in denials] == ["wire.send_again", "wire.send_again"]
    transmission.refresh_from_db()
    assert transmission.status == Status.FAILED and not AuditEntry.objects.filter(action="wire.send_again").exists()
    again = services.transmission_send_again(actor=approver, transmission_id=transmission.pk, step_up=fresh_step_up())
    assert again.status == Status.QUEUED
    assert AuditEntry.objects.get(action="wire.send_again").data["step_up"]["factor"] == "totp"


def test_send_again_on_the_release_page_asks_for_a_fresh_factor(
    client, company, author, approver, smtp_wire, django_capture_on_commit_callbacks
):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from tests.factories import sign_in, totp_code

    smtp_wire.reply = "554 5.7.1 Account suspended"
    release = approved(author, approver, publish_at=embargo_in(hours=3), files=False)
    transmission = sent(release)
    sign_in(client, approver, verified_at=timezone.now() - dt.timedelta(minutes=10))
    url = f"/staff/releases/{release.pk}/op/wire_send_again/"
    response = client.post(url, {"transmission": transmission.pk})
    assert response.status_code == 403 and 'name="second_factor_code"' in response.content.decode()
    assert f'value="{transmission.pk}"' in response.content.decode()  # the choice is carried into the challenge
    assert AuditEntry.objects.filter(action="security.step_up_required", actor_id=approver.pk).count() == 1
    transmission.refresh_from_db()
    assert transmission.status == Status.FAILED and not AuditEntry.objects.filter(action="wire.send_again").exists()
    code = totp_code(TOTPDevice.objects.get(user=approver))
    with django_capture_on_commit_callbacks(execute=False):
        response = client.post(url, {"transmission": transmission.pk, "second_factor_code": code})
    assert response.status_code == 302
    transmission.refresh_from_db()
    assert transmission.status == Status.QUEUED
    assert AuditEntry.objects.get(action="wire.send_again").data["step_up"]["factor"] == "totp"


def corrected(author, approver) -> Transmission:
    """A release that went out (sent, confirmed, published), then corrected and approved again: the
    correction's transmission."""
    embargo = embargo_in(minutes=30)
    release = approved(author, approver, publish_at=embargo, files=False)
    original = sent(release)
    services.transmission_confirm(
        step_up=fresh_step_up(), actor=approver, transmission_id=original.pk, crossed_at=timezone.now()
    )
    with time_machine.travel(embargo + dt.timedelta(minutes=1), tick=False):
        run_sweep()
        release.refresh_from_db()
        assert release.status == State.PUBLISHED
        release_update(actor=author, pk=release.pk, base_version=release.version, subheadline="Revenue up 13%")
        release_submit(release_id=release.pk, actor=author)
        release_approve(
            release_id=release.pk, actor=approver, acknowledged=EVERY_WARNING, publish_at=embargo_in(hours=2)
        )
    return Transmission.objects.filter(release=release).latest("created_at")


def test_a_correction_approved_after_the_original_went_out_is_sent_as_a_correction(
    company, author, approver, smtp_wire
):
    correction = corrected(author, approver)
    assert correction.kind == Transmission.Kind.CORRECTION and correction.replaces.status == Status.CONFIRMED
    services.transmission_send(correction.pk)
    message = smtp_wire.messages[-1]
    release = correction.release
    published = release.first_published_at.astimezone(zoneinfo.ZoneInfo("America/Phoenix")).date()
    original_date = date_text(published, style=AP)  # e.g. "Dec. 8, 2026"
    assert original_date.split()[-1] == str(published.year) and str(published.day) in original_date
    assert message["Subject"].startswith("CORRECTION -- Halvorsen Reports Record Third Quarter -- HOLD FOR RELEASE")
    text = message.get_body(("plain",)).get_content()
    assert f"CORRECTION -- replaces the release of {original_date}" in text.splitlines()
    assert "Revenue up 13%" in text


def test_a_new_embargo_supersedes_the_transmission_and_the_new_one_replaces_it(company, author, approver, smtp_wire):
    release = approved(author, approver, publish_at=embargo_in(hours=3), files=False)
    first = sent(release)
    later = embargo_in(hours=5)
    release_schedule(release_id=release.pk, actor=approver, publish_at=later, step_up=fresh_step_up())
    first.refresh_from_db()
    second = Transmission.objects.exclude(pk=first.pk).get(release=release)
    assert first.status == Status.SUPERSEDED and second.replaces == first and second.hold_until == later
    services.transmission_send(second.pk)
    assert f"REPLACES our submission {first.reference}" in smtp_wire.messages[-1].get_body(("plain",)).get_content()


def test_a_release_changed_after_the_wire_received_it_is_alarmed_until_a_new_approval_replaces_it(
    client, company, author, approver, admin, smtp_wire
):
    from tests.factories import sign_in

    embargo = embargo_in(hours=3)
    release = approved(author, approver, publish_at=embargo, files=False)
    first = sent(release)
    release_update(actor=author, pk=release.pk, base_version=release.version, headline="A changed headline")
    assert run_sweep()["wire.alarms"] == [first.pk]
    assert run_sweep()["wire.alarms"] == []  # once
    assert AuditEntry.objects.get(action="wire.alarm").data["reason"] == "stale"
    sign_in(client, admin)
    assert "the wire holds that revision for release" in client.get("/staff/").content.decode()
    # Approved again: the new transmission replaces the one the wire holds, and the alarm is over.
    release_submit(release_id=release.pk, actor=author)
    release_approve(release_id=release.pk, actor=approver, acknowledged=EVERY_WARNING, publish_at=embargo)
    first.refresh_from_db()
    assert first.status == Status.SUPERSEDED
    assert "the wire holds that revision for release" not in client.get("/staff/").content.decode()


def test_publish_now_of_a_wired_release_sends_it_for_immediate_release_and_waits_for_the_wire(
    client, company, author, approver, smtp_wire, django_capture_on_commit_callbacks
):
    release = make_release(author, headline=HEADLINE)
    release_submit(release_id=release.pk, actor=author)
    release_approve(release_id=release.pk, actor=approver, acknowledged=EVERY_WARNING)
    assert not Transmission.objects.exists()  # no embargo, nothing to send yet
    now = timezone.now().replace(microsecond=0)
    with time_machine.travel(now, tick=False):
        result = release_publish(release_id=release.pk, actor=approver, step_up=fresh_step_up())
    assert result.status == State.APPROVED and result.held
    transmission = sent(Release.objects.get(pk=release.pk))
    assert smtp_wire.messages[0]["Subject"].endswith("-- FOR IMMEDIATE RELEASE")
    assert public_everywhere(client, release, now + dt.timedelta(minutes=5)) is False
    confirmed = now + dt.timedelta(minutes=6)
    with time_machine.travel(confirmed, tick=False), django_capture_on_commit_callbacks(execute=True):
        services.transmission_confirm(
            step_up=fresh_step_up(), actor=approver, transmission_id=transmission.pk, crossed_at=confirmed
        )
    # The pages cached while it was held are dropped with the confirmation: it shows at once.
    assert public_everywhere(client, release, confirmed) is True


def test_an_exhibit_that_breaks_edgars_rules_refuses_the_approval(company, author, approver, smtp_wire, monkeypatch):
    from irportal.workflow.engine import TransitionNotAllowed
    from wire import exhibit

    monkeypatch.setattr(exhibit, "check", lambda *args: [exhibit.Finding("tag", "<script> is not permitted")])
    with pytest.raises(TransitionNotAllowed, match="script"):
        approved(author, approver, publish_at=embargo_in(hours=2), files=False)
    assert not Transmission.objects.exists()
    assert set(Release.objects.values_list("status", flat=True)) == {State.IN_REVIEW}


def test_send_again_on_the_release_page_is_refused_to_an_author_and_recorded(
    client, company, author, approver, smtp_wire
):
    from tests.factories import sign_in

    smtp_wire.reply = "554 5.7.1 Account suspended"
    release = approved(author, approver, publish_at=embargo_in(hours=3), files=False)
    transmission = sent(release)
    sign_in(client, author)
    assert "Send again" not in client.get(release.get_staff_url()).content.decode()
    response = client.post(f"/staff/releases/{release.pk}/op/wire_send_again/", {"transmission": transmission.pk})
    assert response.status_code == 403
    denial = AuditEntry.objects.get(action="security.permission_denied", actor_id=author.pk)
    assert denial.data["permission"] == "releases.publish_release"
    transmission.refresh_from_db()
    assert transmission.status == Status.FAILED and not AuditEntry.objects.filter(action="wire.send_again").exists()
