"""Sending alert mails for a publication: exactly once per subscriber, in batches, through faults.

1. ``alert_prepare`` (the fan-out, a side effect of the publication written
   to the outbox with it) creates one pending ``Delivery`` per confirmed
   subscriber of the topic's audience with a conditional insert
   (``bulk_create(ignore_conflicts=True)`` on the unique (subscriber, topic,
   item) constraint), and returns the subscriber id ranges of its batches.
2. ``alert_send_batch`` claims each due row of its range with a conditional
   UPDATE (pending -> sending) that gives the attempt a new Message-ID, sends
   the mail with that Message-ID, writes it to the send log (``SentMessage``)
   the moment the server accepts it, and marks the row sent. Each of these
   writes is its own short transaction, retried through a database restart.
   A retried or duplicated task, or a second worker, finds nothing left to
   claim, so it sends nothing more.
3. A failed try is counted on the row with its error, whether the mail or the
   connection failed: the row is tried again at once, then when
   ``retry_delay`` says (30 s, 1, 2, then every 4 minutes). After
   ``ALERTS_MAX_ATTEMPTS`` tries, or at once on a permanent refusal (5xx), the
   row is marked failed with the reason and not tried again.
4. ``alerts_resend_failed`` (an IR Admin's "Send the failed ones again" on
   the alerts overview, or ``manage.py resend_failed_alerts``) puts failed
   rows back to pending with their tries counted from zero, in one
   conditional UPDATE, audited, and queues their batches: the same rows, so
   the same claim, send log and unique constraint keep it to one mail per
   subscriber. A row whose Message-ID is in the send log is never among them.
5. ``alerts_stalled_batches`` is beat's part (every 30 s), and the only one
   that goes by the clock: it makes due the rows whose retry time has come,
   recovers rows a worker left ``sending`` (claimed over ``CLAIM_LEASE`` ago):
   sent when the send log has their Message-ID, tried again when it has not,
   and queues a batch for every due row no task has come for within
   ``PENDING_GRACE``. The database, not the broker, holds what is still owed.

Each mail is written in its subscriber's language (``Subscriber.language``,
or the primary one once the company no longer discloses in it): the
interface, the item's text in that language, its links (``/fr/investors/...``)
and its dates. The language changes what one mail says, never how many go
out: the batch builds the item's text once per language it needs.

A mail goes out twice only when the server accepted it and its Message-ID did
not reach the send log: the worker died in the moment between the two, or the
database stayed unreachable from that moment for ``SEND_LOG_PATIENCE``.
"""

import functools
import logging
import re
import smtplib
import time
from datetime import timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.mail import EmailMessage, get_connection, make_msgid
from django.db import transaction
from django.db.models import F, OuterRef, Q, Subquery
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from alerts import topics
from alerts.models import Audience, Delivery, DeliveryStatus, SentMessage, Subscriber, SubscriberStatus
from alerts.services import mail_headers, mail_language, unsubscribe_token, unsubscribe_url
from irportal.audit.services import audit_record
from irportal.workflow import languages
from irportal.workflow.outbox import hand_to_worker, retry_delay, retry_on_db_errors

logger = logging.getLogger(__name__)

SEND_BATCH_TASK = "alerts.tasks.send_batch"
# How long the send log's write is retried after the server accepted a mail.
SEND_LOG_PATIENCE = timedelta(minutes=2)
# Longer than one mail can take from its claim (SMTP's timeouts, then the send log's patience): a row
# claimed longer ago was left by a worker that died.
CLAIM_LEASE = timedelta(minutes=3)
# A queued batch task starts within this (or was lost): due rows no task came for are queued again.
PENDING_GRACE = timedelta(minutes=2)
# A batch claims no new row after this many seconds and queues the rest, far inside its time limits.
BATCH_SECONDS = 60
SMTP_ERRORS = (smtplib.SMTPException, OSError)
NO_LONGER_PUBLIC = "The item was no longer public when the alert was due."
_DUE = Q(status=DeliveryStatus.PENDING, next_attempt_at__isnull=True)


def _batches(subscriber_ids: list[int]) -> list[tuple[int, int]]:
    size = settings.ALERTS_BATCH_SIZE
    return [
        (subscriber_ids[start], subscriber_ids[min(start + size, len(subscriber_ids)) - 1])
        for start in range(0, len(subscriber_ids), size)
    ]


def alert_prepare(*, topic_name: str, item_id: int) -> list[tuple[int, int]]:
    """Create the pending deliveries of a publication; returns the (first, last) subscriber id of each batch."""
    topic = topics.topic_named(topic_name)
    content = topic.build(item_id) if topic is not None else None
    if content is None:
        return []
    batches = []
    last_id = 0
    receiving = Subscriber.objects.receiving(*_audiences(topic, content)).order_by("pk").values_list("pk", flat=True)
    while chunk := list(receiving.filter(pk__gt=last_id)[: settings.ALERTS_BATCH_SIZE]):
        now = timezone.now()
        Delivery.objects.bulk_create(
            [Delivery(subscriber_id=pk, topic=topic_name, item_id=item_id, queued_at=now) for pk in chunk],
            ignore_conflicts=True,
        )
        batches.append((chunk[0], chunk[-1]))
        last_id = chunk[-1]
    return batches


def _audiences(topic: topics.Topic, content: topics.AlertContent) -> tuple[str, ...]:
    """Who receives the mail: its topic's audience, or for a mail about several items, theirs."""
    return content.audiences or (topic.audience,)


def _in_batch(topic_name: str, item_id: int, first: int, last: int):
    return Delivery.objects.filter(topic=topic_name, item_id=item_id, subscriber_id__gte=first, subscriber_id__lte=last)


def _new_message_id(pk: int) -> str:
    return make_msgid(idstring=f"alert.{pk}", domain=urlsplit(settings.SITE_URL).hostname or "localhost")


def _claim(pk: int, message_id: str) -> bool:
    return retry_on_db_errors(
        lambda: (
            Delivery.objects.filter(_DUE, pk=pk).update(
                status=DeliveryStatus.SENDING,
                claimed_at=timezone.now(),
                attempts=F("attempts") + 1,
                message_id=message_id,
            )
            == 1
        )
    )


def _finish(pk: int, message_id: str, status: str, error: str = "") -> None:
    fields = {"status": status, "last_error": error[:200]}
    if status == DeliveryStatus.SENT:
        fields["sent_at"] = timezone.now()
    retry_on_db_errors(
        lambda: Delivery.objects.filter(pk=pk, status=DeliveryStatus.SENDING, message_id=message_id).update(**fields)
    )


def _log_sent(pk: int, message_id: str) -> None:
    """Into the send log, the moment the server accepted the mail; retried through a database outage."""
    retry_on_db_errors(
        lambda: SentMessage.objects.bulk_create(
            [SentMessage(message_id=message_id, delivery_id=pk)], ignore_conflicts=True
        ),
        seconds=SEND_LOG_PATIENCE.total_seconds(),
    )


def _failed_try(rows, attempts: int, error: Exception, *, permanent: bool = False) -> bool:
    """Count a failed try (``attempts`` with it) on ``rows``, keeping the error; True when it was the last."""
    last = permanent or attempts >= settings.ALERTS_MAX_ATTEMPTS
    fields = {"attempts": attempts, "last_error": (str(error) or type(error).__name__)[:200]}
    if last:
        fields["status"] = DeliveryStatus.FAILED
    else:
        delay = retry_delay(attempts)
        fields["status"] = DeliveryStatus.PENDING
        fields["next_attempt_at"] = timezone.now() + delay if delay else None
    retry_on_db_errors(lambda: rows.update(**fields))
    return last


def is_permanent(error: Exception) -> bool:
    """A refusal that will not change on retry: the recipient refused, or a 5xx answer to the message."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return True
    return isinstance(error, smtplib.SMTPDataError) and 500 <= error.smtp_code < 600


def _one_line(text: str) -> str:
    """The text on one line, runs of spaces made one; no-break spaces (French: ``Inc. : titre``) kept."""
    return re.sub(r"[ \t\r\n]+", " ", text).strip()


def alert_message(
    content: topics.AlertContent,
    subscriber: Subscriber,
    *,
    language: str,
    audiences: list[str],
    connection,
    message_id: str,
) -> EmailMessage:
    """The alert to one subscriber written in ``language``, ``content`` being the item's alert in that language."""
    with translation.override(language):
        context = {
            "content": content,
            "audience": pgettext("between the kinds of alerts a subscriber receives", "; ").join(
                str(Audience(audience).label).lower() for audience in audiences
            ),
            "unsubscribe_url": unsubscribe_url(subscriber),
            "alerts_url": topics.absolute(reverse("alerts:subscribe")),
        }
        body = render_to_string("email/alerts/alert.txt", context)
    # The mail client's one-click POST goes to the primary language's address, which answers whatever
    # languages the company discloses in when it comes.
    with translation.override(languages.primary()):
        one_click = unsubscribe_url(subscriber)
    mailto = f"mailto:{settings.ALERTS_UNSUBSCRIBE_EMAIL}?subject=unsubscribe%20{unsubscribe_token(subscriber)}"
    return EmailMessage(
        _one_line(content.subject)[:250],
        body,
        to=[subscriber.email],
        connection=connection,
        headers={
            "Message-ID": message_id,
            "List-Unsubscribe": f"<{one_click}>, <{mailto}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            **mail_headers(language),
        },
    )


def _send_one(pk: int, topic: topics.Topic, content_in, offered: list[str], connection) -> str | None:
    """Claim, send, log and mark one row; returns the outcome, or None when another task has it.

    ``content_in(language)`` is the item's alert in a language, ``offered`` the company's disclosure languages."""
    message_id = _new_message_id(pk)
    if not _claim(pk, message_id):
        return None
    delivery = retry_on_db_errors(lambda: Delivery.objects.select_related("subscriber").get(pk=pk))
    subscriber = delivery.subscriber
    language = mail_language(subscriber.language, offered)
    content = content_in(language)
    if content is None:
        _finish(pk, message_id, DeliveryStatus.SKIPPED, NO_LONGER_PUBLIC)
        return "skipped"
    chosen = [audience for audience in _audiences(topic, content) if getattr(subscriber, audience)]
    if subscriber.status != SubscriberStatus.CONFIRMED or not chosen:
        _finish(pk, message_id, DeliveryStatus.SKIPPED, "Unsubscribed before the alert was sent.")
        return "skipped"
    try:
        message = alert_message(
            content, subscriber, language=language, audiences=chosen, connection=connection, message_id=message_id
        )
        message.send()
    except SMTP_ERRORS as error:
        claimed = Delivery.objects.filter(pk=pk, status=DeliveryStatus.SENDING, message_id=message_id)
        if _failed_try(claimed, delivery.attempts, error, permanent=is_permanent(error)):
            logger.warning("alert %s failed for good: %s", delivery, error)
            return "failed"
        raise  # the connection is likely gone: the task tries again
    _log_sent(pk, message_id)
    _finish(pk, message_id, DeliveryStatus.SENT)
    return "sent"


def alert_send_batch(*, topic_name: str, item_id: int, first: int, last: int) -> dict[str, int]:
    """Send the batch's due alerts, one claimed row at a time; returns how many of each outcome."""
    topic = topics.topic_named(topic_name)

    @functools.cache
    def content_in(language: str) -> topics.AlertContent | None:
        with translation.override(language):
            return topic.build(item_id)

    rows = _in_batch(topic_name, item_id, first, last)
    if topic is None or content_in(languages.primary()) is None:
        return {
            "skipped": rows.filter(status=DeliveryStatus.PENDING).update(
                status=DeliveryStatus.SKIPPED, last_error=NO_LONGER_PUBLIC
            )
        }
    counts = {"sent": 0, "failed": 0, "skipped": 0}
    candidates = list(rows.filter(_DUE).order_by("subscriber_id").values_list("pk", "attempts", "subscriber_id"))
    if not candidates:
        return counts
    connection = get_connection()
    try:
        connection.open()
    except SMTP_ERRORS as error:
        # No mail could be tried: each row counts the try and keeps the error all the same.
        for pk, attempts, _ in candidates:
            _failed_try(rows.filter(_DUE, pk=pk, attempts=attempts), attempts + 1, error)
        raise
    offered = languages.disclosure_languages()
    started = time.monotonic()
    try:
        for pk, _, subscriber_id in candidates:
            if time.monotonic() - started > BATCH_SECONDS:
                hand_to_worker(SEND_BATCH_TASK, topic_name, item_id, subscriber_id, last)
                break
            outcome = _send_one(pk, topic, content_in, offered, connection)
            if outcome is not None:
                counts[outcome] += 1
    finally:
        connection.close()
    return counts


RESEND_PERMISSION = "alerts.resend_delivery"


def _item_batches(rows) -> list[tuple[str, int, int, int]]:
    """(topic, item, first, last) batches of (topic, item, subscriber id) rows."""
    grouped: dict[tuple[str, int], list[int]] = {}
    for topic_name, item_id, subscriber_id in rows:
        grouped.setdefault((topic_name, item_id), []).append(subscriber_id)
    return [
        (topic_name, item_id, first, last)
        for (topic_name, item_id), ids in grouped.items()
        for first, last in _batches(sorted(ids))
    ]


def alerts_resend_failed(*, actor, topic_name: str | None = None, item_id: int | None = None, via: str = "") -> int:
    """Put the failed rows (of one item, or all) back to pending and queue them; returns how many.

    ``actor`` is the IR Admin (who needs ``alerts.resend_delivery``), or None
    for an operator's command (``via`` says which).
    """
    if actor is not None and not actor.has_perm(RESEND_PERMISSION):
        raise PermissionDenied(_("Only an IR Admin may send failed alerts again."))
    now = timezone.now()
    failed = Delivery.objects.filter(status=DeliveryStatus.FAILED).exclude(
        message_id__in=SentMessage.objects.values("message_id")
    )
    if topic_name is not None:
        failed = failed.filter(topic=topic_name, item_id=item_id)
    with transaction.atomic():
        rows = list(failed.select_for_update().values_list("pk", "topic", "item_id", "subscriber_id"))
        count = Delivery.objects.filter(pk__in=[row[0] for row in rows], status=DeliveryStatus.FAILED).update(
            status=DeliveryStatus.PENDING, attempts=0, next_attempt_at=None, queued_at=now, last_error=""
        )
        batches = _item_batches(row[1:] for row in rows)
        audit_record(
            action="alerts.resend_failed",
            actor=actor,
            data={"count": count, "topic": topic_name or "", "item_id": item_id, "via": via},
        )
        # A broker that is down loses nothing: beat queues every due row again after PENDING_GRACE.
        transaction.on_commit(lambda: [hand_to_worker(SEND_BATCH_TASK, *batch) for batch in batches], robust=True)
    return count


def _recover_sending(now) -> None:
    """Rows a dead worker left ``sending``: sent if the send log has their Message-ID, else tried again."""
    stale = Delivery.objects.filter(status=DeliveryStatus.SENDING, claimed_at__lt=now - CLAIM_LEASE)
    logged = SentMessage.objects.filter(message_id=OuterRef("message_id"))
    stale.filter(message_id__in=SentMessage.objects.values("message_id")).update(
        status=DeliveryStatus.SENT, sent_at=Subquery(logged.values("accepted_at")[:1]), last_error=""
    )
    interrupted = "The try was interrupted before the mail server's answer was recorded."
    stale.filter(attempts__gte=settings.ALERTS_MAX_ATTEMPTS).update(
        status=DeliveryStatus.FAILED, last_error=f"{interrupted} No tries are left."
    )
    stale.update(status=DeliveryStatus.PENDING, next_attempt_at=None, queued_at=None, last_error=interrupted)


def alerts_stalled_batches(*, now=None) -> list[tuple[str, int, int, int]]:
    """Beat's part: (topic, item, first, last) of the due rows no task is working on, in batches.

    Recovers rows left ``sending``, makes due the rows whose retry time has
    come, and marks the returned rows queued.
    """
    now = now or timezone.now()
    _recover_sending(now)
    Delivery.objects.filter(status=DeliveryStatus.PENDING, next_attempt_at__lte=now).update(
        next_attempt_at=None, queued_at=None
    )
    waiting = Delivery.objects.filter(_DUE).filter(Q(queued_at__isnull=True) | Q(queued_at__lt=now - PENDING_GRACE))
    ordered = waiting.order_by("topic", "item_id", "subscriber_id")
    batches = _item_batches(ordered.values_list("topic", "item_id", "subscriber_id")[:100_000])
    for topic_name, item_id, first, last in batches:
        waiting.filter(topic=topic_name, item_id=item_id, subscriber_id__gte=first, subscriber_id__lte=last).update(
            queued_at=now
        )
    return batches
