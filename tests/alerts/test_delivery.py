"""Alert delivery: one mail per subscriber and publication, whatever runs twice or fails on the way."""

import datetime as dt
import smtplib

import pytest
from django.core import mail
from django.utils import timezone

from alerts import delivery
from alerts.delivery import alert_prepare, alert_send_batch, alerts_stalled_batches
from alerts.models import Delivery, DeliveryStatus, SentMessage, SubscriberStatus
from alerts.services import alert_unsubscribe, unsubscribe_token
from alerts.tasks import fan_out, send_batch
from releases.checks import CODES as EVERY_WARNING
from releases.workflow import release_withdraw
from tests.alerts.conftest import alerts_to, make_subscriber

pytestmark = pytest.mark.django_db

TOPIC = "release.publish"


@pytest.fixture
def release(publish_release):
    return publish_release(headline="Halvorsen Reports Record Third Quarter", subheadline="Revenue up 12%")


def send_all(release) -> list[dict]:
    """What the fan-out task does, in-process: prepare, then one batch task per batch."""
    return [
        alert_send_batch(topic_name=TOPIC, item_id=release.pk, first=first, last=last)
        for first, last in alert_prepare(topic_name=TOPIC, item_id=release.pk)
    ]


def test_each_news_subscriber_gets_one_alert_and_events_only_subscribers_none(release):
    make_subscriber("news@example.test", events=False)
    make_subscriber("both@example.test")
    make_subscriber("events@example.test", news=False)
    make_subscriber("pending@example.test", status=SubscriberStatus.PENDING)
    send_all(release)
    assert sorted(message.to[0] for message in mail.outbox) == ["both@example.test", "news@example.test"]


def test_the_alert_has_the_headline_the_link_and_one_click_unsubscribe_headers(release, settings):
    settings.SITE_URL = "https://ir.halvorsen.example"
    settings.ALERTS_UNSUBSCRIBE_EMAIL = "unsubscribe@halvorsen.example"
    subscriber = make_subscriber("holder@example.test")
    send_all(release)
    [message] = mail.outbox
    token = unsubscribe_token(subscriber)
    assert message.subject == "Company name not set: Halvorsen Reports Record Third Quarter"
    assert f"https://ir.halvorsen.example/investors/news/{release.slug}/" in message.body
    assert "Revenue up 12%" in message.body
    assert message.extra_headers["List-Unsubscribe"] == (
        f"<https://ir.halvorsen.example/investors/alerts/unsubscribe/{token}/>, "
        f"<mailto:unsubscribe@halvorsen.example?subject=unsubscribe%20{token}>"
    )
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert f"/investors/alerts/unsubscribe/{token}/" in message.body


def test_running_the_fan_out_and_the_batches_again_sends_nothing_more(release):
    make_subscriber("holder@example.test")
    send_all(release)
    send_all(release)
    fan_out.apply(args=[TOPIC, release.pk])
    assert len(mail.outbox) == 1
    assert Delivery.objects.get().status == DeliveryStatus.SENT


def test_a_second_worker_running_the_same_batch_meanwhile_sends_nothing_twice(release, monkeypatch):
    for n in range(3):
        make_subscriber(f"holder{n}@example.test")
    [(first, last)] = alert_prepare(topic_name=TOPIC, item_id=release.pk)
    original_send = delivery.EmailMessage.send
    second_run = []

    def send_while_another_worker_runs(message, *args, **kwargs):
        if not second_run:
            second_run.append(None)  # the second worker starts once, while the first is sending its first mail
            second_run[0] = alert_send_batch(topic_name=TOPIC, item_id=release.pk, first=first, last=last)
        return original_send(message, *args, **kwargs)

    monkeypatch.setattr(delivery.EmailMessage, "send", send_while_another_worker_runs)
    alert_send_batch(topic_name=TOPIC, item_id=release.pk, first=first, last=last)
    assert second_run == [{"sent": 2, "failed": 0, "skipped": 0}]
    assert sorted(message.to[0] for message in mail.outbox) == [f"holder{n}@example.test" for n in range(3)]


def test_a_publication_is_split_into_batches(release, settings):
    settings.ALERTS_BATCH_SIZE = 2
    subscribers = [make_subscriber(f"holder{n}@example.test") for n in range(5)]
    batches = alert_prepare(topic_name=TOPIC, item_id=release.pk)
    ids = [subscriber.pk for subscriber in subscribers]
    assert batches == [(ids[0], ids[1]), (ids[2], ids[3]), (ids[4], ids[4])]
    counts = [alert_send_batch(topic_name=TOPIC, item_id=release.pk, first=a, last=b)["sent"] for a, b in batches]
    assert counts == [2, 2, 1] and len(mail.outbox) == 5


def test_a_transient_smtp_error_is_retried_by_the_task_and_sends_each_alert_once(release, scripted_smtp):
    for n in range(3):
        make_subscriber(f"holder{n}@example.test")
    [(first, last)] = alert_prepare(topic_name=TOPIC, item_id=release.pk)
    scripted_smtp.extend([None, smtplib.SMTPServerDisconnected("connection lost")])
    # An eager task's retry runs at once, in place of the backoff a worker would wait.
    send_batch.apply(args=[TOPIC, release.pk, first, last])
    assert sorted(message.to[0] for message in mail.outbox) == [f"holder{n}@example.test" for n in range(3)]
    assert [d.attempts for d in Delivery.objects.order_by("subscriber_id")] == [1, 2, 1]


def test_the_batch_task_retries_smtp_and_database_errors_with_backoff_of_at_most_a_minute():
    from django.db import InterfaceError, OperationalError

    for error in (smtplib.SMTPException, OSError, OperationalError, InterfaceError):
        assert error in send_batch.autoretry_for
    assert OperationalError in fan_out.autoretry_for and InterfaceError in fan_out.autoretry_for
    # No countdown beyond a minute: longer waits are kept on the rows, for beat.
    assert send_batch.retry_backoff is True and send_batch.retry_backoff_max == 60
    assert send_batch.time_limit and send_batch.soft_time_limit


def test_a_transient_error_puts_the_row_back_to_pending_and_raises_for_the_retry(release, scripted_smtp):
    make_subscriber("holder@example.test")
    [(first, last)] = alert_prepare(topic_name=TOPIC, item_id=release.pk)
    scripted_smtp.append(smtplib.SMTPServerDisconnected("connection lost"))
    with pytest.raises(smtplib.SMTPServerDisconnected):
        alert_send_batch(topic_name=TOPIC, item_id=release.pk, first=first, last=last)
    row = Delivery.objects.get()
    assert (row.status, row.attempts, row.last_error) == (DeliveryStatus.PENDING, 1, "connection lost")
    alert_send_batch(topic_name=TOPIC, item_id=release.pk, first=first, last=last)
    assert Delivery.objects.get().status == DeliveryStatus.SENT and len(mail.outbox) == 1


def test_a_permanent_refusal_is_marked_failed_and_never_resent(release, scripted_smtp):
    make_subscriber("gone@example.test")
    make_subscriber("holder@example.test")
    scripted_smtp.append(smtplib.SMTPRecipientsRefused({"gone@example.test": (550, b"no such user")}))
    send_all(release)
    send_all(release)
    statuses = dict(Delivery.objects.values_list("subscriber__email", "status"))
    assert statuses == {"gone@example.test": DeliveryStatus.FAILED, "holder@example.test": DeliveryStatus.SENT}
    assert [message.to for message in mail.outbox] == [["holder@example.test"]]


def test_after_the_last_attempt_a_failing_alert_is_marked_failed(release, scripted_smtp, settings):
    settings.ALERTS_MAX_ATTEMPTS = 2
    make_subscriber("holder@example.test")
    [(first, last)] = alert_prepare(topic_name=TOPIC, item_id=release.pk)
    scripted_smtp.extend([smtplib.SMTPServerDisconnected("down")] * 5)
    with pytest.raises(smtplib.SMTPServerDisconnected):
        alert_send_batch(topic_name=TOPIC, item_id=release.pk, first=first, last=last)
    assert alert_send_batch(topic_name=TOPIC, item_id=release.pk, first=first, last=last)["failed"] == 1
    assert alert_send_batch(topic_name=TOPIC, item_id=release.pk, first=first, last=last)["failed"] == 0
    row = Delivery.objects.get()
    assert (row.status, row.attempts) == (DeliveryStatus.FAILED, 2)
    assert not mail.outbox


def test_who_unsubscribes_between_fan_out_and_sending_gets_nothing(release):
    leaving = make_subscriber("leaving@example.test")
    make_subscriber("staying@example.test")
    batches = alert_prepare(topic_name=TOPIC, item_id=release.pk)
    alert_unsubscribe(token=unsubscribe_token(leaving), actor=None)
    for first, last in batches:
        alert_send_batch(topic_name=TOPIC, item_id=release.pk, first=first, last=last)
    assert [message.to for message in mail.outbox] == [["staying@example.test"]]
    assert Delivery.objects.get(subscriber=leaving).status == DeliveryStatus.SKIPPED


def test_a_release_withdrawn_before_its_alerts_went_out_is_not_announced(release):
    from releases.models import Release
    from tests.factories import UserFactory

    make_subscriber("holder@example.test")
    batches = alert_prepare(topic_name=TOPIC, item_id=release.pk)
    approver = UserFactory(roles=["IR Approver"])
    release_withdraw(release_id=release.pk, actor=approver, reason="Published in error")
    assert Release.objects.get(pk=release.pk).status == "withdrawn"
    for first, last in batches:
        alert_send_batch(topic_name=TOPIC, item_id=release.pk, first=first, last=last)
    assert not alerts_to("holder@example.test")
    assert Delivery.objects.get().status == DeliveryStatus.SKIPPED
    assert alert_prepare(topic_name=TOPIC, item_id=release.pk) == []


def test_a_correction_of_a_published_release_sends_no_second_alert(release):
    from releases.services import release_update
    from releases.workflow import release_approve, release_publish, release_submit
    from tests.factories import UserFactory

    make_subscriber("holder@example.test")
    send_all(release)
    author, approver = UserFactory(roles=["IR Author"]), UserFactory(roles=["IR Approver"])
    release_update(actor=author, pk=release.pk, base_version=None, headline="Corrected headline")
    release_submit(release_id=release.pk, actor=author)
    release_approve(acknowledged=EVERY_WARNING, release_id=release.pk, actor=approver)
    release_publish(release_id=release.pk, actor=approver)
    send_all(release)
    assert len(mail.outbox) == 1


def test_rows_a_lost_task_left_behind_are_found_for_beat_to_queue_again(release, settings):
    settings.ALERTS_BATCH_SIZE = 2
    subscribers = [make_subscriber(f"holder{n}@example.test") for n in range(3)]
    alert_prepare(topic_name=TOPIC, item_id=release.pk)
    now = timezone.now()
    assert alerts_stalled_batches(now=now) == []
    Delivery.objects.filter(subscriber=subscribers[0]).update(status=DeliveryStatus.SENDING, claimed_at=now)
    later = now + dt.timedelta(hours=1, minutes=1)
    ids = [subscriber.pk for subscriber in subscribers]
    assert alerts_stalled_batches(now=later) == [
        (TOPIC, release.pk, ids[0], ids[1]),
        (TOPIC, release.pk, ids[2], ids[2]),
    ]


def test_publishing_a_release_writes_its_fan_out_with_it_and_the_fan_out_queues_the_batches(
    publish_release, monkeypatch
):
    from alerts import tasks
    from irportal.workflow import outbox
    from irportal.workflow.models import OutboxMessage

    subscriber = make_subscriber("holder@example.test")
    release = publish_release()
    [message] = OutboxMessage.objects.filter(handler="alerts.fan_out")
    assert message.payload == {"kind": "release", "item_id": release.pk, "transition": "publish"}
    queued = []
    monkeypatch.setattr(tasks, "hand_to_worker", lambda *args: queued.append(args) or True)
    assert outbox.run(message.pk) is True
    assert queued == [(delivery.SEND_BATCH_TASK, TOPIC, release.pk, subscriber.pk, subscriber.pk)]
    assert Delivery.objects.get().status == DeliveryStatus.PENDING
    assert outbox.run(message.pk) is False  # a second delivery of the row finds it done
    assert Delivery.objects.count() == 1 and len(queued) == 1


def test_beat_queues_stalled_rows_again_and_the_batch_sends_them_once(release, monkeypatch):
    from alerts import tasks
    from alerts.tasks import resume_stalled

    subscriber = make_subscriber("holder@example.test")
    alert_prepare(topic_name=TOPIC, item_id=release.pk)
    Delivery.objects.update(queued_at=timezone.now() - dt.timedelta(minutes=3))
    queued = []
    monkeypatch.setattr(tasks, "hand_to_worker", lambda name, *args: queued.append(args) or True)
    assert resume_stalled.apply().get() == 1
    assert queued == [(TOPIC, release.pk, subscriber.pk, subscriber.pk)]
    assert resume_stalled.apply().get() == 0  # queued now: not again before its grace has passed
    for args in queued * 2:
        alert_send_batch(topic_name=args[0], item_id=args[1], first=args[2], last=args[3])
    assert len(mail.outbox) == 1


def test_beat_runs_the_alert_housekeeping_tasks():
    from django.conf import settings

    from irportal.celery import app

    ours = {"alerts.tasks.resume_stalled", "alerts.tasks.purge_unconfirmed"}
    assert ours <= {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert ours <= set(app.tasks)


@pytest.fixture
def smtp_down(settings):
    """A mail server that is not there: SMTP to a local port nobody listens on."""
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", port, 2
    return settings


def test_a_mail_server_that_cannot_be_reached_counts_a_try_and_keeps_the_error_on_every_row(release, smtp_down):
    for n in range(2):
        make_subscriber(f"holder{n}@example.test")
    [(first, last)] = alert_prepare(topic_name=TOPIC, item_id=release.pk)
    with pytest.raises(OSError):
        alert_send_batch(topic_name=TOPIC, item_id=release.pk, first=first, last=last)
    rows = list(Delivery.objects.values_list("status", "attempts", "next_attempt_at"))
    assert rows == [(DeliveryStatus.PENDING, 1, None)] * 2  # the first retry comes at once
    assert all("refused" in error.lower() for error in Delivery.objects.values_list("last_error", flat=True))
    with pytest.raises(OSError):
        alert_send_batch(topic_name=TOPIC, item_id=release.pk, first=first, last=last)
    # The second failed try waits for beat: 30 seconds.
    assert set(Delivery.objects.values_list("attempts", flat=True)) == {2}
    assert all(row.next_attempt_at > timezone.now() for row in Delivery.objects.all())
    assert alert_send_batch(topic_name=TOPIC, item_id=release.pk, first=first, last=last) == {
        "sent": 0,
        "failed": 0,
        "skipped": 0,
    }


def test_a_mail_server_down_beyond_the_last_try_leaves_failed_rows_with_the_reason(release, smtp_down, settings):
    """Beat makes each retry due when its time has come; after ALERTS_MAX_ATTEMPTS tries the row is failed."""
    import time_machine

    settings.ALERTS_MAX_ATTEMPTS = 6
    make_subscriber("holder@example.test")
    alert_prepare(topic_name=TOPIC, item_id=release.pk)
    moment = timezone.now()
    tries = 0
    while Delivery.objects.get().status == DeliveryStatus.PENDING and tries < 20:
        with time_machine.travel(moment, tick=False):
            for topic_name, item_id, first, last in alerts_stalled_batches(now=moment + dt.timedelta(minutes=3)):
                with pytest.raises(OSError):
                    alert_send_batch(topic_name=topic_name, item_id=item_id, first=first, last=last)
                tries += 1
        moment += dt.timedelta(minutes=4)
    row = Delivery.objects.get()
    assert (row.status, row.attempts, tries) == (DeliveryStatus.FAILED, 6, 6)
    assert "refused" in row.last_error.lower()
    assert not mail.outbox


def test_each_try_has_its_message_id_on_the_row_before_the_mail_goes_out(release, monkeypatch):
    make_subscriber("holder@example.test")
    [(first, last)] = alert_prepare(topic_name=TOPIC, item_id=release.pk)
    seen_on_the_row = []
    original_send = delivery.EmailMessage.send

    def send(message, *args, **kwargs):
        seen_on_the_row.append(Delivery.objects.get().message_id)
        return original_send(message, *args, **kwargs)

    monkeypatch.setattr(delivery.EmailMessage, "send", send)
    alert_send_batch(topic_name=TOPIC, item_id=release.pk, first=first, last=last)
    [message] = mail.outbox
    row = Delivery.objects.get()
    assert seen_on_the_row == [row.message_id] == [message.extra_headers["Message-ID"]]
    assert row.message_id.endswith("@127.0.0.1>")
    assert SentMessage.objects.get().message_id == row.message_id


def _left_sending(release, *, logged: bool):
    """A row whose worker died after claiming it: with or without the send log's record of its mail."""
    subscriber = make_subscriber("holder@example.test")
    alert_prepare(topic_name=TOPIC, item_id=release.pk)
    row = Delivery.objects.get()
    claimed_at = timezone.now() - dt.timedelta(minutes=4)
    Delivery.objects.filter(pk=row.pk).update(
        status=DeliveryStatus.SENDING, claimed_at=claimed_at, attempts=1, message_id="<first-try@example.test>"
    )
    if logged:
        SentMessage.objects.create(message_id="<first-try@example.test>", delivery=row)
    return subscriber


def test_a_row_left_sending_whose_mail_the_send_log_has_is_marked_sent_and_not_sent_again(release):
    _left_sending(release, logged=True)
    assert alerts_stalled_batches() == []
    row = Delivery.objects.get()
    assert (row.status, row.attempts, row.sent_at is not None) == (DeliveryStatus.SENT, 1, True)
    assert not mail.outbox


def test_a_row_left_sending_that_the_send_log_lacks_is_sent_again_with_a_new_message_id(release):
    subscriber = _left_sending(release, logged=False)
    [(topic_name, item_id, first, last)] = alerts_stalled_batches()
    assert (first, last) == (subscriber.pk, subscriber.pk)
    alert_send_batch(topic_name=topic_name, item_id=item_id, first=first, last=last)
    [message] = mail.outbox
    row = Delivery.objects.get()
    assert (row.status, row.attempts) == (DeliveryStatus.SENT, 2)
    assert message.extra_headers["Message-ID"] == row.message_id != "<first-try@example.test>"


def test_a_row_claimed_within_its_lease_is_left_to_its_worker(release):
    _left_sending(release, logged=False)
    Delivery.objects.update(claimed_at=timezone.now() - dt.timedelta(minutes=2))
    assert alerts_stalled_batches() == []
    assert Delivery.objects.get().status == DeliveryStatus.SENDING
