"""The outbox: every side effect is written with its change, done once, and recovered by beat after any fault."""

import datetime as dt
import smtplib
import time

import pytest
import time_machine
from django.core import mail
from django.db import transaction
from django.utils import timezone

from irportal.celery import app
from irportal.workflow import outbox
from irportal.workflow.models import OutboxMessage
from releases.checks import CODES as EVERY_WARNING
from releases.models import Release
from releases.workflow import release_approve, release_publish, release_submit
from tests.factories import make_release

pytestmark = pytest.mark.django_db

PENDING, DONE, FAILED = OutboxMessage.Status.PENDING, OutboxMessage.Status.DONE, OutboxMessage.Status.FAILED


@pytest.fixture
def release(author, company):
    return make_release(author)


@pytest.fixture
def handed_over(monkeypatch):
    """What would reach the broker: (task name, args) of every hand-over, the broker answering."""
    handed = []
    monkeypatch.setattr(outbox, "hand_to_worker", lambda name, *args: handed.append((name, *args)) or True)
    return handed


def rows(**filters):
    return list(OutboxMessage.objects.filter(**filters).order_by("pk").values_list("handler", "status"))


def test_a_change_writes_each_of_its_side_effects_in_its_own_transaction(release, author):
    release_submit(release_id=release.pk, actor=author)
    assert rows() == [("workflow.state_changed", PENDING), ("workflow.notify", PENDING)]
    assert OutboxMessage.objects.first().payload == {"kind": "release", "item_id": release.pk, "transition": "submit"}


def test_a_change_rolled_back_leaves_no_side_effect(release, author):
    with pytest.raises(RuntimeError), transaction.atomic():
        release_submit(release_id=release.pk, actor=author)
        raise RuntimeError("the request failed after the transition")
    assert Release.objects.get(pk=release.pk).status == "draft"
    assert rows() == []


def test_after_the_commit_the_announcement_runs_here_and_the_rest_goes_to_a_worker(
    release, author, handed_over, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        release_submit(release_id=release.pk, actor=author)
    notify = OutboxMessage.objects.get(handler="workflow.notify")
    assert rows() == [("workflow.state_changed", DONE), ("workflow.notify", PENDING)]
    assert handed_over == [(outbox.RUN_TASK, notify.pk)]


def test_a_receiver_of_the_announcement_that_fails_leaves_it_to_be_sent_again(
    release, author, handed_over, django_capture_on_commit_callbacks
):
    from irportal.workflow.signals import state_changed

    heard = []

    def failing_once(sender, **kwargs):
        heard.append(kwargs["transition"])
        if len(heard) == 1:
            raise ConnectionError("cache unreachable")

    state_changed.connect(failing_once)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            release_submit(release_id=release.pk, actor=author)
        announcement = OutboxMessage.objects.get(handler="workflow.state_changed")
        assert (announcement.status, announcement.last_error) == (PENDING, "ConnectionError: cache unreachable")
        assert Release.objects.get(pk=release.pk).status == "in_review"
        assert outbox.run(announcement.pk) is True
    finally:
        state_changed.disconnect(failing_once)
    assert heard == ["submit", "submit"]


def test_with_the_broker_down_the_change_is_made_at_once_and_its_side_effects_wait(
    release, author, broker_down, django_capture_on_commit_callbacks
):
    started = time.monotonic()
    with django_capture_on_commit_callbacks(execute=True):
        release_submit(release_id=release.pk, actor=author)
    assert time.monotonic() - started < 0.5
    assert Release.objects.get(pk=release.pk).status == "in_review"
    assert rows() == [("workflow.state_changed", DONE), ("workflow.notify", PENDING)]


def test_a_worker_runs_a_row_once_and_a_second_delivery_finds_it_done(release, author, approver):
    release_submit(release_id=release.pk, actor=author)
    notify = OutboxMessage.objects.get(handler="workflow.notify")
    assert outbox.run(notify.pk) is True
    assert outbox.run(notify.pk) is False
    assert [message.to for message in mail.outbox] == [[approver.email]]
    notify.refresh_from_db()
    assert (notify.status, notify.attempts, notify.done_at is not None) == (DONE, 1, True)


def test_a_failing_side_effect_keeps_its_error_and_is_tried_again_when_its_delay_has_passed(
    release, author, approver, scripted_smtp, handed_over
):
    release_submit(release_id=release.pk, actor=author)
    notify = OutboxMessage.objects.get(handler="workflow.notify")
    now = timezone.now()
    scripted_smtp.extend([smtplib.SMTPServerDisconnected("mail server went away")] * 2)
    with time_machine.travel(now, tick=False):
        assert outbox.run(notify.pk) is False  # fails: due again at once
        notify.refresh_from_db()
        assert (notify.status, notify.attempts, notify.claimed_until) == (PENDING, 1, None)
        assert notify.last_error == "SMTPServerDisconnected: mail server went away"
        assert notify.redispatch_at == now
        assert outbox.run(notify.pk) is False  # fails again: 30 seconds
        notify.refresh_from_db()
        assert notify.redispatch_at == now + dt.timedelta(seconds=30)
    handed_over.clear()
    outbox.redispatch(now=now + dt.timedelta(seconds=29))
    assert (outbox.RUN_TASK, notify.pk) not in handed_over
    outbox.redispatch(now=now + dt.timedelta(seconds=30))
    assert (outbox.RUN_TASK, notify.pk) in handed_over
    assert outbox.run(notify.pk) is True
    assert [message.to for message in mail.outbox] == [[approver.email]]


def test_beat_hands_over_what_was_never_handed_over(release, author, handed_over):
    """A worker killed between the commit and the dispatch: the rows are there, beat finds them."""
    release_submit(release_id=release.pk, actor=author)
    created = timezone.now()
    outbox.redispatch(now=created + dt.timedelta(seconds=29))
    assert handed_over == []
    outbox.redispatch(now=created + dt.timedelta(seconds=31))
    assert sorted(pk for _, pk in handed_over) == sorted(OutboxMessage.objects.values_list("pk", flat=True))
    handed_over.clear()
    outbox.redispatch(now=created + dt.timedelta(seconds=45))
    assert handed_over == []  # handed over 14 s ago: not again before another 30 s


def test_beat_releases_the_claim_of_a_worker_that_died_and_hands_the_row_over_again(release, author, handed_over):
    release_submit(release_id=release.pk, actor=author)
    notify = OutboxMessage.objects.get(handler="workflow.notify")
    claimed = timezone.now()
    OutboxMessage.objects.filter(pk=notify.pk).update(claimed_until=claimed + outbox.LEASE, attempts=1)
    assert outbox.run(notify.pk) is False  # another delivery while it is claimed does nothing
    outbox.redispatch(now=claimed + outbox.LEASE - dt.timedelta(seconds=1))
    assert (outbox.RUN_TASK, notify.pk) not in handed_over
    assert outbox.redispatch(now=claimed + outbox.LEASE + dt.timedelta(seconds=1))["released"] == 1
    assert (outbox.RUN_TASK, notify.pk) in handed_over
    assert outbox.run(notify.pk) is True


def test_the_published_notification_outlasts_an_hour_of_mail_server_outage(
    release, author, approver, scripted_smtp, handed_over
):
    release_submit(release_id=release.pk, actor=author)
    release_approve(release_id=release.pk, actor=approver, acknowledged=EVERY_WARNING)
    release_publish(release_id=release.pk, actor=approver)
    OutboxMessage.objects.exclude(payload__transition="publish", handler="workflow.notify").delete()
    notify = OutboxMessage.objects.get()
    scripted_smtp.extend([smtplib.SMTPConnectError(421, "try later")] * 1000)
    moment = timezone.now()
    outage_ends = moment + dt.timedelta(hours=1)
    while moment < outage_ends + dt.timedelta(minutes=10) and OutboxMessage.objects.get().status == PENDING:
        if moment >= outage_ends:
            scripted_smtp.clear()
        handed_over.clear()
        with time_machine.travel(moment, tick=False):
            outbox.redispatch()
            for _, pk in handed_over:
                outbox.run(pk)
        if OutboxMessage.objects.get().status == DONE:
            break
        moment += dt.timedelta(seconds=30)
    notify.refresh_from_db()
    assert notify.status == DONE
    assert moment - outage_ends <= dt.timedelta(minutes=5)
    [message] = mail.outbox
    assert message.subject.startswith("[IR Portal] Published: ") and message.to == [author.email]


def test_a_side_effect_still_failing_after_its_budget_is_failed_with_the_reason(
    release, author, approver, scripted_smtp, settings, handed_over
):
    settings.OUTBOX_RETRY_HOURS = 2
    release_submit(release_id=release.pk, actor=author)
    OutboxMessage.objects.exclude(handler="workflow.notify").delete()
    notify = OutboxMessage.objects.get()
    scripted_smtp.append(smtplib.SMTPConnectError(421, "try later"))
    outbox.run(notify.pk)
    assert outbox.redispatch(now=notify.created_at + dt.timedelta(hours=2) - dt.timedelta(seconds=1))["failed"] == 0
    assert outbox.redispatch(now=notify.created_at + dt.timedelta(hours=2, seconds=1))["failed"] == 1
    notify.refresh_from_db()
    assert notify.status == FAILED
    assert notify.last_error == "Gave up 2 hours after the change: SMTPConnectError: (421, 'try later')"


def test_done_rows_are_kept_a_week(release, author):
    release_submit(release_id=release.pk, actor=author)
    for message in OutboxMessage.objects.all():
        outbox.run(message.pk)
    done_at = OutboxMessage.objects.get(handler="workflow.notify").done_at
    outbox.redispatch(now=done_at + dt.timedelta(days=6))
    assert OutboxMessage.objects.count() == 2
    outbox.redispatch(now=done_at + dt.timedelta(days=7, seconds=1))
    assert OutboxMessage.objects.count() == 0


def test_beat_runs_the_outbox_every_thirty_seconds():
    from django.conf import settings

    entry = settings.CELERY_BEAT_SCHEDULE["outbox-redispatch"]
    assert (entry["task"], entry["schedule"]) == ("irportal.workflow.tasks.outbox_redispatch", 30.0)
    assert entry["task"] in app.tasks and outbox.RUN_TASK in app.tasks
