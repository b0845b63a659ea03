"""Sending alert mails for a publication: exactly once per subscriber, in batches, with retries.

1. ``alert_prepare`` (the fan-out) creates one pending ``Delivery`` per
   confirmed subscriber of the topic's audience, with a conditional insert
   (``bulk_create(ignore_conflicts=True)`` on the unique (subscriber, topic,
   item) constraint), and returns the subscriber id ranges of its batches.
2. ``alert_send_batch`` claims each pending row of its range with a
   conditional UPDATE (pending -> sending), sends the mail, and marks it sent.
   A retried or duplicated task, or a second worker, finds nothing left to
   claim, so it sends nothing more.
3. A transient SMTP error puts the row back to pending and raises, so the
   task retries with exponential backoff; after ``ALERTS_MAX_ATTEMPTS`` tries,
   or at once on a permanent refusal (5xx), the row is marked failed and not
   tried again.
4. ``alerts_stalled_batches`` finds rows a lost task left behind (pending for
   an hour, or claimed longer ago than a task may run) so beat can queue them
   again: the database, not the broker, holds what is still to send.
"""

import logging
import smtplib
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from alerts import topics
from alerts.models import Audience, Delivery, DeliveryStatus, Subscriber, SubscriberStatus
from alerts.services import unsubscribe_token, unsubscribe_url

logger = logging.getLogger(__name__)

# Longer than a batch task may run (its hard time limit): a row claimed longer ago was left by a lost worker.
CLAIM_LEASE = timedelta(minutes=10)
# Pending rows this old were not picked up by their task (lost, or out of retries): queue them again.
PENDING_GRACE = timedelta(hours=1)


def _batches(subscriber_ids: list[int]) -> list[tuple[int, int]]:
    size = settings.ALERTS_BATCH_SIZE
    return [
        (subscriber_ids[start], subscriber_ids[min(start + size, len(subscriber_ids)) - 1])
        for start in range(0, len(subscriber_ids), size)
    ]


def alert_prepare(*, topic_name: str, item_id: int) -> list[tuple[int, int]]:
    """Create the pending deliveries of a publication; returns the (first, last) subscriber id of each batch."""
    topic = topics.topic_named(topic_name)
    if topic is None or topic.build(item_id) is None:
        return []
    batches = []
    last_id = 0
    receiving = Subscriber.objects.receiving(topic.audience).order_by("pk").values_list("pk", flat=True)
    while chunk := list(receiving.filter(pk__gt=last_id)[: settings.ALERTS_BATCH_SIZE]):
        Delivery.objects.bulk_create(
            [Delivery(subscriber_id=pk, topic=topic_name, item_id=item_id) for pk in chunk], ignore_conflicts=True
        )
        batches.append((chunk[0], chunk[-1]))
        last_id = chunk[-1]
    return batches


def _claimable(now) -> Q:
    return Q(status=DeliveryStatus.PENDING) | Q(status=DeliveryStatus.SENDING, claimed_at__lt=now - CLAIM_LEASE)


def _claim(pk: int) -> bool:
    now = timezone.now()
    return (
        Delivery.objects.filter(_claimable(now), pk=pk).update(
            status=DeliveryStatus.SENDING, claimed_at=now, attempts=F("attempts") + 1
        )
        == 1
    )


def _finish(pk: int, status: str, error: str = "") -> None:
    fields = {"status": status, "last_error": error[:200]}
    if status == DeliveryStatus.SENT:
        fields["sent_at"] = timezone.now()
    Delivery.objects.filter(pk=pk, status=DeliveryStatus.SENDING).update(**fields)


def is_permanent(error: Exception) -> bool:
    """A refusal that will not change on retry: the recipient refused, or a 5xx answer to the message."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return True
    return isinstance(error, smtplib.SMTPDataError) and 500 <= error.smtp_code < 600


def alert_message(content: topics.AlertContent, subscriber: Subscriber, *, audience: str, connection) -> EmailMessage:
    link = unsubscribe_url(subscriber)
    mailto = f"mailto:{settings.ALERTS_UNSUBSCRIBE_EMAIL}?subject=unsubscribe%20{unsubscribe_token(subscriber)}"
    context = {
        "content": content,
        "audience": Audience(audience).label.lower(),
        "unsubscribe_url": link,
        "alerts_url": topics.absolute(reverse("alerts:subscribe")),
    }
    return EmailMessage(
        " ".join(content.subject.split())[:250],
        render_to_string("email/alerts/alert.txt", context),
        to=[subscriber.email],
        connection=connection,
        headers={
            "List-Unsubscribe": f"<{link}>, <{mailto}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "Auto-Submitted": "auto-generated",
        },
    )


def _skip_pending(topic_name: str, item_id: int, first: int, last: int) -> int:
    return Delivery.objects.filter(
        topic=topic_name,
        item_id=item_id,
        subscriber_id__gte=first,
        subscriber_id__lte=last,
        status=DeliveryStatus.PENDING,
    ).update(status=DeliveryStatus.SKIPPED, last_error="The item was no longer public when the alert was due.")


def alert_send_batch(*, topic_name: str, item_id: int, first: int, last: int) -> dict[str, int]:
    """Send the batch's unsent alerts, one claimed row at a time; returns how many of each outcome."""
    topic = topics.topic_named(topic_name)
    content = topic.build(item_id) if topic is not None else None
    if content is None:
        return {"skipped": _skip_pending(topic_name, item_id, first, last)}
    counts = {"sent": 0, "failed": 0, "skipped": 0}
    candidates = list(
        Delivery.objects.filter(_claimable(timezone.now()), topic=topic_name, item_id=item_id)
        .filter(subscriber_id__gte=first, subscriber_id__lte=last)
        .order_by("subscriber_id")
        .values_list("pk", flat=True)
    )
    if not candidates:
        return counts
    with get_connection() as connection:
        for pk in candidates:
            if not _claim(pk):
                continue
            delivery = Delivery.objects.select_related("subscriber").get(pk=pk)
            subscriber = delivery.subscriber
            if subscriber.status != SubscriberStatus.CONFIRMED or not getattr(subscriber, topic.audience):
                _finish(pk, DeliveryStatus.SKIPPED, "Unsubscribed before the alert was sent.")
                counts["skipped"] += 1
                continue
            try:
                alert_message(content, subscriber, audience=topic.audience, connection=connection).send()
            except (smtplib.SMTPException, OSError) as error:
                if is_permanent(error) or delivery.attempts >= settings.ALERTS_MAX_ATTEMPTS:
                    logger.warning("alert %s failed for good: %s", delivery, error)
                    _finish(pk, DeliveryStatus.FAILED, str(error))
                    counts["failed"] += 1
                    continue
                # Back to pending for the retry; the rows after it stay pending too.
                Delivery.objects.filter(pk=pk, status=DeliveryStatus.SENDING).update(
                    status=DeliveryStatus.PENDING, last_error=str(error)[:200]
                )
                raise
            _finish(pk, DeliveryStatus.SENT)
            counts["sent"] += 1
    return counts


def alerts_stalled_batches(*, now=None) -> list[tuple[str, int, int, int]]:
    """(topic, item, first, last) of rows no task is working on any more, in batches."""
    now = now or timezone.now()
    stalled = (
        Delivery.objects.filter(
            Q(status=DeliveryStatus.PENDING, created_at__lt=now - PENDING_GRACE)
            | Q(status=DeliveryStatus.SENDING, claimed_at__lt=now - CLAIM_LEASE)
        )
        .order_by("topic", "item_id", "subscriber_id")
        .values_list("topic", "item_id", "subscriber_id")
    )
    grouped: dict[tuple[str, int], list[int]] = {}
    for topic_name, item_id, subscriber_id in stalled[:100_000]:
        grouped.setdefault((topic_name, item_id), []).append(subscriber_id)
    return [
        (topic_name, item_id, first, last)
        for (topic_name, item_id), ids in grouped.items()
        for first, last in _batches(ids)
    ]
