"""The replay lifecycle end to end: a real Celery worker on Redis runs the beat's sweep task."""

from datetime import timedelta

import pytest
from celery.signals import task_postrun
from django.conf import settings
from django.contrib.auth.models import Group
from django.utils import timezone

from company.services import company_profile_update
from events.models import Event, ReplayStatus
from events.services import event_replay_url_set, event_replay_window_change
from events.signals import event_changed
from irportal.accounts.roles import IR_APPROVER, IR_AUTHOR
from irportal.audit.models import AuditEntry
from irportal.celery import app
from irportal.workflow.models import ApprovalStep
from tests.conftest import wait_for
from tests.events.builders import make_event, published
from tests.factories import UserFactory

pytestmark = [pytest.mark.redis, pytest.mark.django_db(transaction=True)]

SWEEP = settings.CELERY_BEAT_SCHEDULE["sweep"]


@pytest.fixture
def worker(celery_worker):
    """The worker, with publishing pointed at its broker: a producer pool opened by an earlier test
    (on the filesystem broker) would otherwise keep sending there."""
    app.amqp._producer_pool = None
    yield celery_worker
    app.amqp._producer_pool = None


@pytest.fixture
def sweeps_done():
    """How many sweep tasks the worker has finished."""
    done = []

    def finished(sender=None, **kwargs):
        if sender is not None and sender.name == SWEEP["task"]:
            done.append(kwargs.get("retval"))

    task_postrun.connect(finished, weak=False)
    yield done
    task_postrun.disconnect(finished)


@pytest.fixture
def changes():
    seen = []

    def receiver(sender, event_id, change, **kwargs):
        seen.append((event_id, change))

    event_changed.connect(receiver, weak=False)
    yield seen
    event_changed.disconnect(receiver)


def run_beat_sweep(sweeps_done):
    """What beat sends every 30 s; returns once the worker has run it."""
    before = len(sweeps_done)
    app.send_task(SWEEP["task"], **SWEEP["options"])
    wait_for(lambda: len(sweeps_done) > before, timeout=60)
    return sweeps_done[-1]


def test_the_worker_publishes_then_expires_a_replay_once_each(worker, sweeps_done, changes):
    ApprovalStep.objects.get_or_create(
        order=1, defaults={"name": "IR review", "group": Group.objects.get(name=IR_APPROVER)}
    )
    company_profile_update(
        actor=None, legal_name="Halvorsen Instruments, Inc.", short_name="Halvorsen", exchange="Nasdaq",
        ticker="HLVI", home_time_zone="America/New_York", website="", default_replay_days=7,
    )  # fmt: skip
    author, approver = UserFactory(roles=[IR_AUTHOR]), UserFactory(roles=[IR_APPROVER])
    event = published(make_event(author, starts_at=timezone.now() - timedelta(days=3)), author, approver)
    event_replay_url_set(actor=approver, pk=event.pk, replay_url="https://replay.example/hlvi/q3")

    assert run_beat_sweep(sweeps_done)["events.replay_publish"] == 1
    assert Event.objects.get(pk=event.pk).replay_status == ReplayStatus.AVAILABLE
    assert run_beat_sweep(sweeps_done)["events.replay_publish"] == 0
    assert run_beat_sweep(sweeps_done)["events.replay_publish"] == 0

    event_replay_window_change(actor=approver, pk=event.pk, days=1, reason="Host took the recording down")
    assert run_beat_sweep(sweeps_done)["events.replay_expire"] == 1
    assert run_beat_sweep(sweeps_done)["events.replay_expire"] == 0
    assert Event.objects.get(pk=event.pk).replay_status == ReplayStatus.EXPIRED

    for action in ("event.replay_publish", "event.replay_expire"):
        entry = AuditEntry.objects.get(action=action)
        assert (entry.object_id, entry.actor_label) == (str(event.pk), "system")
    wait_for(lambda: (event.pk, "replay_expire") in changes, timeout=60)
    assert [change for event_id, change in changes if change.startswith("replay_")] == [
        "replay_url_change",
        "replay_publish",
        "replay_window_change",
        "replay_expire",
    ]
