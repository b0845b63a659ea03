"""Celery tasks of the email alerts: each loads its arguments, calls one service and returns."""

from smtplib import SMTPException

from celery import shared_task
from django.conf import settings

from alerts import delivery, services

SMTP_RETRY = {
    "autoretry_for": (SMTPException, OSError),
    "retry_backoff": True,
    "retry_backoff_max": 600,
    "retry_jitter": True,
}


@shared_task(name="alerts.tasks.send_confirmation", max_retries=6, time_limit=60, soft_time_limit=50, **SMTP_RETRY)
def send_confirmation(subscriber_id: int) -> bool:
    return services.alert_send_confirmation(subscriber_id=subscriber_id)


@shared_task(name="alerts.tasks.fan_out", time_limit=300, soft_time_limit=240)
def fan_out(topic_name: str, item_id: int) -> int:
    batches = delivery.alert_prepare(topic_name=topic_name, item_id=item_id)
    for first, last in batches:
        send_batch.delay(topic_name, item_id, first, last)
    return len(batches)


@shared_task(
    name="alerts.tasks.send_batch",
    max_retries=settings.ALERTS_MAX_ATTEMPTS + 2,
    time_limit=300,
    soft_time_limit=240,
    **SMTP_RETRY,
)
def send_batch(topic_name: str, item_id: int, first: int, last: int) -> dict[str, int]:
    return delivery.alert_send_batch(topic_name=topic_name, item_id=item_id, first=first, last=last)


@shared_task(name="alerts.tasks.resume_stalled", time_limit=120, soft_time_limit=100)
def resume_stalled() -> int:
    batches = delivery.alerts_stalled_batches()
    for topic_name, item_id, first, last in batches:
        send_batch.delay(topic_name, item_id, first, last)
    return len(batches)


@shared_task(name="alerts.tasks.purge_unconfirmed", time_limit=120, soft_time_limit=100)
def purge_unconfirmed() -> int:
    return services.alerts_purge_unconfirmed()
