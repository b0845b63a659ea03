"""The newswire under faults: a worker killed in the middle of sending a release to the wire's mail desk, and
the broker restarted, still hand the approved revision to the wire once."""

import datetime as dt
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
from tests.wire.servers import MailDesk
from wire.models import Transmission

pytestmark = pytest.mark.faults


@pytest.fixture
def desk(stack, settings):
    """The wire's mail desk, for the test process (which approves) and the workers (which send)."""
    server = MailDesk().start()
    wire = {
        "WIRE_CHANNEL": "smtp",
        "WIRE_SMTP_URL": server.url,
        "WIRE_SMTP_TO": "newsdesk@wire.example",
        "WIRE_SMTP_FROM": "ir@halvorsen.example",
    }
    stack.env.update(wire)
    for name, value in wire.items():
        setattr(settings, name, value)
    yield server
    server.stop()


def test_a_worker_killed_mid_send_and_a_broker_restart_send_the_revision_to_the_wire_once(stack, desk):
    make_company()
    author, approver = UserFactory(roles=[IR_AUTHOR]), UserFactory(roles=[IR_APPROVER])
    dying = stack.start_worker()
    desk.stall = stall = threading.Event()  # the desk takes the message and does not answer yet
    release = make_release(author)
    release_submit(release_id=release.pk, actor=author)
    release_approve(
        release_id=release.pk,
        actor=approver,
        acknowledged=EVERY_WARNING,
        publish_at=timezone.now() + dt.timedelta(hours=2),
    )  # the transmission is handed to the worker on commit
    transmission = Transmission.objects.get(release=release)
    assert desk.stalled.wait(timeout=60), stack.worker_logs()
    dying.process.kill()  # mid-send: the message is at the desk, its 250 never went out
    assert dying.wait_killed() == -9
    stall.set()
    assert desk.messages == [] and desk.received == 1
    stack.redis.kill()
    stack.redis.start()
    fault_ended = timezone.now()
    stack.start_worker()

    def delivered() -> bool:
        status = reading(lambda: Transmission.objects.values_list("status", flat=True).get(pk=transmission.pk))
        pending = reading(lambda: OutboxMessage.objects.filter(status=OutboxMessage.Status.PENDING).exists())
        return len(desk.messages) == 1 and status == Transmission.Status.SENT and pending is False

    took = stack.recover(fault_ended, delivered)
    assert took <= dt.timedelta(minutes=5)
    time.sleep(1)  # anything still on its way would show now
    transmission.refresh_from_db()
    assert desk.message_ids() == [f"<{transmission.reference}@irportal.wire>"]
    assert transmission.attempts == 2 and desk.received == 2
    assert AuditEntry.objects.filter(action="wire.sent", object_id=str(release.pk)).count() == 1
    assert Transmission.objects.filter(release=release).count() == 1
    assert verify_chain().ok
