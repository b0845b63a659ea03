"""Side effects under faults: real PostgreSQL, Redis, SMTP and Celery workers, each stopped or killed.

Every test ends the same way: exactly one alert mail per subscriber per item
(or a failed row with its reason), one audit entry per change, the audit chain
intact, and everything recovered by beat within five minutes of the fault's
end.
"""

import datetime as dt
import time

import pytest
from django.db import DatabaseError, connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from alerts.models import Delivery, DeliveryStatus
from irportal.accounts.roles import IR_APPROVER, IR_AUTHOR
from irportal.audit.models import AuditEntry
from irportal.audit.verify import verify_chain
from irportal.celery import app
from irportal.workflow.models import OutboxMessage
from releases.checks import CODES as EVERY_WARNING
from releases.models import Release
from releases.workflow import release_approve, release_publish, release_submit
from tests.alerts.conftest import make_subscriber
from tests.conftest import wait_for
from tests.factories import UserFactory, make_company, make_release, sign_in

pytestmark = pytest.mark.faults


@pytest.fixture
def people(stack):
    make_company()
    author, approver = UserFactory(roles=[IR_AUTHOR]), UserFactory(roles=[IR_APPROVER])
    return author, approver


def subscribers(count: int) -> list[str]:
    return [make_subscriber(f"holder{n}@example.test").email for n in range(count)]


def approved_release(author, approver, *, publish_at=None) -> Release:
    release = make_release(author)
    release_submit(release_id=release.pk, actor=author)
    return release_approve(release_id=release.pk, actor=approver, publish_at=publish_at, acknowledged=EVERY_WARNING)


def reading(query):
    """``query()``, or None while the database is unreachable (the test's own connection is reopened)."""
    try:
        return query()
    except DatabaseError:
        connection.close()
        return None


def all_delivered(stack, release, holders, author):
    """Every subscriber has had the alert, the author the "Published" mail, and nothing is owed any more."""

    def check() -> bool:
        if stack.smtp.recorder.alerts_to() != dict.fromkeys(holders, 1):
            return False
        if not any(
            subject.startswith("[IR Portal] Published") for subject in stack.smtp.recorder.subjects_to(author.email)
        ):
            return False
        owed = reading(
            lambda: (
                Delivery.objects.exclude(status=DeliveryStatus.SENT).exists()
                or OutboxMessage.objects.filter(status=OutboxMessage.Status.PENDING).exists()
            )
        )
        return owed is False

    return check


def kill_redis_when_idle(stack) -> None:
    """Redis goes while the worker is idle, every message acknowledged. A worker that loses Redis holding an
    unacknowledged message exits (kombu: "Unrecoverable error") and is for its supervisor to start again;
    workers killed outright are tried by their own tests."""
    import redis

    broker = redis.Redis.from_url(stack.redis.url)
    wait_for(
        lambda: (
            not OutboxMessage.objects.filter(status=OutboxMessage.Status.PENDING).exists()
            and broker.llen("celery") == 0
            and broker.hlen("unacked") == 0
        )
    )
    stack.redis.kill()


def recovered_exactly_once(stack, fault_ended, release, holders, author) -> None:
    """Beat recovers everything within five minutes of the fault's end, and everything went out once."""
    took = stack.recover(fault_ended, all_delivered(stack, release, holders, author), real_seconds_per_tick=15)
    assert took <= dt.timedelta(minutes=5)
    assert_exactly_once(stack, release, holders, author)


def assert_exactly_once(stack, release, holders, author):
    time.sleep(1)  # anything still on its way would show now
    assert stack.smtp.recorder.alerts_to() == dict.fromkeys(holders, 1)
    published = [s for s in stack.smtp.recorder.subjects_to(author.email) if s.startswith("[IR Portal] Published")]
    assert len(published) == 1
    assert set(Delivery.objects.filter(item_id=release.pk).values_list("status", flat=True)) == {DeliveryStatus.SENT}
    assert AuditEntry.objects.filter(action="release.publish", object_id=str(release.pk)).count() == 1
    assert verify_chain().ok


def test_a_worker_killed_between_the_commit_and_the_dispatch_loses_nothing(stack, people):
    author, approver = people
    holders = subscribers(5)
    release = approved_release(author, approver, publish_at=timezone.now())
    dying = stack.start_worker(die_after_commit=True)
    app.send_task("irportal.workflow.tasks.sweep")  # as beat sends it; the worker publishes, then is killed
    assert dying.wait_killed() == -9
    fault_ended = timezone.now()
    release.refresh_from_db()
    assert release.status == "published"
    assert not Delivery.objects.exists()
    assert OutboxMessage.objects.filter(handler="alerts.fan_out", status="pending").count() == 1

    stack.start_worker()
    recovered_exactly_once(stack, fault_ended, release, holders, author)


def test_with_the_broker_stopped_publishing_answers_at_once_and_beat_sends_every_alert_once_it_is_back(stack, people):
    """No step but the app's own: a worker running beat (``celery worker --beat``), on beat's real schedule."""
    author, approver = people
    holders = subscribers(5)
    release = approved_release(author, approver)
    stack.start_worker(beat=True)
    kill_redis_when_idle(stack)
    client = Client()
    sign_in(client, approver)
    started = time.monotonic()
    response = client.post(
        reverse("console:transition", kwargs={"kind": "releases", "pk": release.pk, "transition": "publish"})
    )
    took = time.monotonic() - started
    assert response.status_code == 302
    assert took < 1.0, f"the publish request took {took:.2f} s with the broker down"
    assert Release.objects.get(pk=release.pk).status == "published"

    stack.redis.start()
    fault_ended = time.monotonic()
    wait_for(all_delivered(stack, release, holders, author), timeout=300, interval=0.5)
    assert time.monotonic() - fault_ended <= 300
    assert_exactly_once(stack, release, holders, author)


def test_a_broker_down_during_a_sweep_delays_the_alerts_and_loses_none(stack, people):
    author, approver = people
    holders = subscribers(5)
    release = approved_release(author, approver, publish_at=timezone.now())
    stack.start_worker()
    kill_redis_when_idle(stack)
    from irportal.workflow.sweep import run_sweep

    started = time.monotonic()
    assert run_sweep()["releases.publish"] == [release.pk]  # the sweep a worker was running when Redis went
    assert time.monotonic() - started < 1.0
    stack.redis.start()
    fault_ended = timezone.now()
    recovered_exactly_once(stack, fault_ended, release, holders, author)


def test_a_database_restart_as_the_fan_out_starts_loses_no_alert(stack, people):
    author, approver = people
    holders = subscribers(30)
    release = approved_release(author, approver)
    stack.start_worker()
    release_publish(release_id=release.pk, actor=approver)  # the fan-out is handed to the worker on commit
    stack.restart_database(mode="immediate", down_for=2)
    fault_ended = timezone.now()
    recovered_exactly_once(stack, fault_ended, release, holders, author)


def test_a_database_outage_after_the_mail_server_accepted_a_mail_sends_it_once(stack, people):
    """The database goes down between SMTP's acceptance and the marks: they wait for it, nothing is sent twice."""
    import threading

    author, approver = people
    holders = subscribers(30)
    release = approved_release(author, approver)
    stack.env["ALERTS_BATCH_SIZE"] = "10"
    stack.start_worker()
    ended = threading.Event()

    def outage_while_accepting(accepted: int) -> None:
        if accepted == 12 and not ended.is_set():
            stack.cluster.stop("immediate")
            threading.Timer(3, lambda: (stack.cluster.start(), ended.set())).start()

    stack.smtp.recorder.before_accepting = outage_while_accepting
    release_publish(release_id=release.pk, actor=approver)
    assert ended.wait(timeout=60)
    fault_ended = timezone.now()
    connection.close()
    recovered_exactly_once(stack, fault_ended, release, holders, author)


def test_a_mail_server_down_beyond_the_retry_budget_leaves_failed_rows_and_the_notification_follows(stack, people):
    author, approver = people
    holders = subscribers(3)
    release = approved_release(author, approver)
    stack.env["ALERTS_MAX_ATTEMPTS"] = "4"
    stack.start_worker()
    stack.smtp.stop()
    release_publish(release_id=release.pk, actor=approver)

    def nothing_due() -> bool:
        rows = reading(lambda: list(Delivery.objects.values_list("status", "next_attempt_at")))
        return bool(rows) and all(status == "failed" or (status == "pending" and at) for status, at in rows)

    moment = timezone.now()
    for _ in range(10):
        wait_for(nothing_due, timeout=30)
        if set(Delivery.objects.values_list("status", flat=True)) == {DeliveryStatus.FAILED}:
            break
        moment += dt.timedelta(minutes=4)
        stack.beat(moment)
    rows = list(Delivery.objects.values_list("status", "attempts", "last_error"))
    assert sorted(Delivery.objects.values_list("subscriber__email", flat=True)) == sorted(holders)
    for status, attempts, last_error in rows:
        assert (status, attempts) == (DeliveryStatus.FAILED, 4)
        assert "refused" in last_error.lower()
    assert stack.smtp.recorder.alerts_to() == {}

    stack.smtp.start()
    fault_ended = moment
    took = stack.recover(
        fault_ended,
        lambda: any(s.startswith("[IR Portal] Published") for s in stack.smtp.recorder.subjects_to(author.email)),
    )
    assert took <= dt.timedelta(minutes=5)
    assert stack.smtp.recorder.alerts_to() == {}
    assert AuditEntry.objects.filter(action="release.publish").count() == 1
    assert verify_chain().ok


def test_two_overlapping_sweeps_around_a_replays_expiry_publish_and_expire_it_once(stack, people):
    """The newer sweep expires the replay; the older one, started a second before the window closed, runs its
    publication part after that and must not bring the replay back."""
    from events.models import ReplayStatus
    from events.workflow import events_replay_publish_due
    from irportal.workflow.sweep import run_sweep
    from tests.events.builders import make_event, published

    author, approver = people
    holders = subscribers(3)
    stack.start_worker()
    event = published(
        make_event(author, starts_at=timezone.now() - dt.timedelta(hours=2), replay_url="https://replay.example/q3"),
        author,
        approver,
    )
    assert run_sweep()["events.replay_publish"] == [event.pk]
    event.refresh_from_db()
    closes = event.replay_expires_at
    assert run_sweep(closes)["events.replay_expire"] == [event.pk]
    assert events_replay_publish_due(closes - dt.timedelta(seconds=1)) == []
    event.refresh_from_db()
    assert event.replay_status == ReplayStatus.EXPIRED

    def both_alerts_once() -> bool:
        return stack.smtp.recorder.alerts_to() == dict.fromkeys(holders, 2) and not (
            OutboxMessage.objects.filter(status=OutboxMessage.Status.PENDING).exists()
        )

    took = stack.recover(timezone.now(), both_alerts_once)
    assert took <= dt.timedelta(minutes=5)
    title = event.title
    for address in holders:
        assert sorted(stack.smtp.recorder.subjects_to(address)) == [
            f"Halvorsen Instruments, Inc. event: {title}",
            f"Halvorsen Instruments, Inc. webcast replay: {title}",
        ]
    for action in ("event.replay_publish", "event.replay_expire"):
        assert AuditEntry.objects.filter(action=action, object_id=str(event.pk)).count() == 1
    assert verify_chain().ok
