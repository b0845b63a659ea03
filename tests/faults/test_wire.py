"""The newswire under faults: a worker killed in the middle of sending a release to the wire (its mail desk, its
SFTP drop, its HTTPS endpoint), and the broker restarted, still hand the approved revision to the wire once."""

import datetime as dt
import json
import threading
import time

import pytest
from django.utils import timezone

from irportal.accounts.roles import IR_APPROVER, IR_AUTHOR
from irportal.audit.models import AuditEntry
from irportal.audit.verify import verify_chain
from irportal.workflow.models import OutboxMessage
from releases.checks import CODES as EVERY_WARNING
from releases.workflow import release_approve, release_submit
from tests.factories import UserFactory, make_company, make_release
from tests.faults.test_side_effects import reading
from tests.wire.servers import CertificateAuthority, HttpsWire, MailDesk, SftpDropServer
from wire.models import Transmission

pytestmark = pytest.mark.faults

Status = Transmission.Status


class Desk:
    """The wire's mail desk: it takes the message and has not answered 250 when the worker dies, so SMTP has
    not delivered it; the next try delivers it, once."""

    settled_status = Status.SENT

    def __init__(self, tmp_path):
        self.server = MailDesk().start()
        self.env = {
            "WIRE_CHANNEL": "smtp",
            "WIRE_SMTP_URL": self.server.url,
            "WIRE_SMTP_TO": "newsdesk@wire.example",
            "WIRE_SMTP_FROM": "ir@halvorsen.example",
        }

    def after_the_kill(self):
        assert self.server.messages == [] and self.server.received == 1

    def delivered_once(self) -> bool:
        return len(self.server.messages) == 1

    def assert_once(self, transmission):
        assert self.server.message_ids() == [f"<{transmission.reference}@irportal.wire>"]
        assert self.server.received == 2

    def stop(self):
        self.server.stop()


class Drop:
    """The wire's SFTP drop: the release's files are in the folder and its manifest (the sign the set is
    complete) is being written when the worker dies; the next try completes the one file set."""

    settled_status = Status.SENT

    def __init__(self, tmp_path):
        (tmp_path / "drop" / "incoming").mkdir(parents=True)
        self.server = SftpDropServer(tmp_path / "drop")
        self.env = {
            "WIRE_CHANNEL": "sftp",
            "WIRE_SFTP_URL": self.server.url,
            "WIRE_SFTP_PASSWORD": self.server.password,
            "WIRE_SFTP_HOST_KEY": self.server.host_key_line,
        }

    def after_the_kill(self):
        assert not any(name.endswith(".json") for name in self.server.files())  # the set is not complete

    def delivered_once(self) -> bool:
        return any(name.endswith(".json") for name in self.server.files())

    def assert_once(self, transmission):
        import hashlib

        files = self.server.files()
        reference = str(transmission.reference)
        manifest = json.loads(files.pop(f"{reference}.json"))
        assert manifest["reference"] == reference
        # One file set: each file the manifest lists once, as it lists it, and nothing else (no half files).
        assert {entry["name"]: entry["sha256"] for entry in manifest["files"]} == {
            name: hashlib.sha256(data).hexdigest() for name, data in files.items()
        }
        assert set(files) == {f"{reference}.txt", f"{reference}.htm"}

    def stop(self):
        self.server.stop()


class Endpoint:
    """The wire's HTTPS endpoint: it took the submission and kept its answer when the worker dies before
    reading it; the next try, under the same Idempotency-Key, is answered with that first answer."""

    settled_status = Status.ACCEPTED

    def __init__(self, tmp_path):
        (tmp_path / "tls").mkdir()
        authority = CertificateAuthority(tmp_path / "tls")
        self.server = HttpsWire(authority)
        self.env = {
            "WIRE_CHANNEL": "https",
            "WIRE_HTTPS_URL": self.server.url,
            "WIRE_HTTPS_TOKEN": self.server.token,
            "WIRE_HTTPS_FORMAT": "json",
            "WIRE_CA_FILE": str(authority.ca_file),
        }

    def after_the_kill(self):
        assert len(self.server.requests) == 1

    def delivered_once(self) -> bool:
        return len(self.server.requests) == 2

    def assert_once(self, transmission):
        keys = [request["headers"]["Idempotency-Key"] for request in self.server.requests]
        assert keys == [str(transmission.reference)] * 2 and self.server.accepted_keys() == {keys[0]}
        assert transmission.wire_id == "BW-20261208-0042"

    def stop(self):
        self.server.stop()


@pytest.fixture(params=[Desk, Drop, Endpoint], ids=["smtp", "sftp", "https"])
def wire(request, stack, settings, tmp_path):
    """The wire's stand-in, for the test process (which approves) and the workers (which send)."""
    channel = request.param(tmp_path)
    stack.env.update(channel.env)
    for name, value in channel.env.items():
        setattr(settings, name, value)
    yield channel
    channel.stop()


def test_a_worker_killed_mid_send_and_a_broker_restart_send_the_revision_to_the_wire_once(stack, wire):
    make_company()
    author, approver = UserFactory(roles=[IR_AUTHOR]), UserFactory(roles=[IR_APPROVER])
    dying = stack.start_worker()
    wire.server.stall = stall = threading.Event()  # the wire takes the submission and does not answer yet
    release = make_release(author)
    release_submit(release_id=release.pk, actor=author)
    release_approve(
        release_id=release.pk,
        actor=approver,
        acknowledged=EVERY_WARNING,
        publish_at=timezone.now() + dt.timedelta(hours=2),
    )  # the transmission is handed to the worker on commit
    transmission = Transmission.objects.get(release=release)
    assert wire.server.stalled.wait(timeout=60), stack.worker_logs()
    dying.process.kill()  # mid-send: the wire has the submission, its answer never reached the worker
    assert dying.wait_killed() == -9
    stall.set()
    wire.after_the_kill()
    assert reading(lambda: Transmission.objects.values_list("status", flat=True).get(pk=transmission.pk)) == (
        Status.SENDING
    )
    stack.redis.kill()
    stack.redis.start()
    fault_ended = timezone.now()
    stack.start_worker()

    def delivered() -> bool:
        status = reading(lambda: Transmission.objects.values_list("status", flat=True).get(pk=transmission.pk))
        pending = reading(lambda: OutboxMessage.objects.filter(status=OutboxMessage.Status.PENDING).exists())
        return wire.delivered_once() and status == wire.settled_status and pending is False

    took = stack.recover(fault_ended, delivered)
    assert took <= dt.timedelta(minutes=5)
    time.sleep(1)  # anything still on its way would show now
    transmission.refresh_from_db()
    wire.assert_once(transmission)
    assert transmission.status == wire.settled_status and transmission.attempts == 2
    assert AuditEntry.objects.filter(action="wire.sent", object_id=str(release.pk)).count() == 1
    assert Transmission.objects.filter(release=release).count() == 1
    assert verify_chain().ok
