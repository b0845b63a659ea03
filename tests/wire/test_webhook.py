"""The wire's signed webhook: a good call records the acceptance or the confirmation; a bad signature, an old
timestamp or a replayed call changes nothing and is audited."""

import datetime as dt
import json
import time

import pytest
import time_machine

from irportal.audit.models import AuditEntry
from releases.models import Release
from tests.wire.conftest import AFTER, WITH, approved, embargo_in, only_transmission, policy
from wire import services
from wire.models import Transmission

pytestmark = pytest.mark.django_db

SECRET = "whsec-test-0f3c2a"
Status = Transmission.Status


@pytest.fixture
def signed(settings, smtp_wire):
    settings.WIRE_WEBHOOK_SECRET = SECRET


def call(client, event: dict, *, timestamp=None, secret=SECRET, signature=None, body=None):
    body = body if body is not None else json.dumps(event).encode()
    timestamp = str(int(time.time()) if timestamp is None else timestamp)
    signature = signature or "sha256=" + services.signature_for(body, timestamp, secret)
    return client.post(
        "/wire/webhook/",
        body,
        content_type="application/json",
        headers={"X-Wire-Timestamp": timestamp, "X-Wire-Signature": signature},
    )


def state(release):
    """Everything a webhook call could change."""
    release.refresh_from_db()
    rows = list(Transmission.objects.filter(release=release).values())
    return release.held, release.gate_opens_at, release.status, rows


def sent_release(author, approver, embargo):
    release = approved(author, approver, publish_at=embargo, files=False)
    transmission = only_transmission(release)
    services.transmission_send(transmission.pk)
    return release, transmission


def test_a_signed_crossed_call_confirms_and_opens_the_gate(client, company, author, approver, signed):
    policy(AFTER)
    embargo = embargo_in(hours=1)
    release, transmission = sent_release(author, approver, embargo)
    crossed = "2026-12-08T23:05:02Z"
    response = call(
        client, {"event": "crossed", "reference": str(transmission.reference), "wire_id": "GNW-7", "at": crossed}
    )
    assert response.status_code == 200 and response.json()["status"] == "confirmed"
    transmission.refresh_from_db()
    assert transmission.crossed_at == dt.datetime(2026, 12, 8, 23, 5, 2, tzinfo=dt.UTC)
    assert transmission.confirmation_source == "webhook" and transmission.wire_id == "GNW-7"
    release.refresh_from_db()
    assert release.gate_opens_at is not None
    assert Release.objects.public(embargo).filter(pk=release.pk).exists()
    entry = AuditEntry.objects.get(action="wire.confirmed")
    assert entry.actor_id is None and entry.data["source"] == "webhook"


def test_a_signed_accepted_call_in_time_opens_the_gate_with_the_wire(client, company, author, approver, signed):
    policy(WITH, lead_minutes=15)
    embargo = embargo_in(hours=1)
    release, transmission = sent_release(author, approver, embargo)
    assert call(client, {"event": "accepted", "reference": str(transmission.reference)}).status_code == 200
    assert Release.objects.public(embargo).filter(pk=release.pk).exists()
    assert not Release.objects.public(embargo - dt.timedelta(seconds=1)).filter(pk=release.pk).exists()


def test_a_rejection_fails_the_transmission_with_the_wires_reason(client, company, author, approver, signed):
    _, transmission = sent_release(author, approver, embargo_in(hours=1))
    event = {"event": "rejected", "reference": str(transmission.reference), "reason": "Headline over 200 characters"}
    assert call(client, event).status_code == 200
    transmission.refresh_from_db()
    assert transmission.status == Status.FAILED and "Headline over 200 characters" in transmission.last_error


@pytest.mark.parametrize(
    ("fault", "status", "reason"),
    [
        ("bad signature", 401, "bad signature"),
        ("wrong secret", 401, "bad signature"),
        ("old timestamp", 401, "timestamp outside the accepted window"),
        ("timestamp from the future", 401, "timestamp outside the accepted window"),
        ("replay", 409, "replayed call"),
        ("unknown transmission", 404, "unknown transmission"),
    ],
)
def test_a_call_that_fails_a_check_changes_nothing_and_is_audited(
    client, company, author, approver, signed, fault, status, reason
):
    policy(AFTER)
    embargo = embargo_in(hours=1)
    release, transmission = sent_release(author, approver, embargo)
    event = {"event": "crossed", "reference": str(transmission.reference), "wire_id": "GNW-7"}
    if fault == "replay":
        with time_machine.travel(embargo - dt.timedelta(minutes=30), tick=False):
            stamp = int(time.time())
            first = call(client, {**event, "event": "accepted"}, timestamp=stamp)
            assert first.status_code == 200
    before = state(release)
    with time_machine.travel(embargo - dt.timedelta(minutes=29), tick=False):
        if fault == "bad signature":
            response = call(client, event, signature="sha256=" + "0" * 64)
        elif fault == "wrong secret":
            response = call(client, event, secret="someone-elses-secret")
        elif fault == "old timestamp":
            response = call(client, event, timestamp=int(time.time()) - 301)
        elif fault == "timestamp from the future":
            response = call(client, event, timestamp=int(time.time()) + 301)
        elif fault == "replay":  # the first call again, byte for byte, inside the window
            response = call(client, {**event, "event": "accepted"}, timestamp=stamp)
        else:
            response = call(client, {**event, "reference": "8c1f2d3e-0000-4000-8000-000000000000"})
    assert response.status_code == status
    assert state(release) == before
    refused = AuditEntry.objects.get(action="wire.webhook_refused")
    assert refused.data["reason"] == reason and refused.data["client_ip"] == "127.0.0.1"
    assert not AuditEntry.objects.filter(action="wire.confirmed").exists()


def test_without_a_secret_the_webhook_does_not_exist(client, company, settings):
    settings.WIRE_WEBHOOK_SECRET = None
    assert call(client, {"event": "crossed", "reference": "x"}).status_code == 404
    assert client.get("/wire/webhook/").status_code == 405


def test_an_oversized_call_is_not_read(client, company, signed):
    response = call(client, {}, body=b"{" + b" " * (70 * 1024) + b"}")
    assert response.status_code == 413
