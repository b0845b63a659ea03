"""Celery tasks of the email alerts: each loads its arguments, calls one service and returns.

No task waits more than a minute before a retry (``retry_backoff_max``):
longer waits are kept in the database, where beat finds them
(``resume_stalled``), not in a broker that may lose them.
"""

from smtplib import SMTPException

from celery import shared_task

from alerts import delivery, services, topics
from irportal.workflow.outbox import TRANSIENT_DB_ERRORS, hand_to_worker
from packages.selectors import published_with_package

BACKOFF = {"retry_backoff": True, "retry_backoff_max": 60, "retry_jitter": True}


@shared_task(
    name=services.SEND_CONFIRMATION_TASK,
    max_retries=6,
    time_limit=60,
    soft_time_limit=50,
    autoretry_for=(SMTPException, OSError),
    **BACKOFF,
)
def send_confirmation(subscriber_id: int) -> bool:
    return services.alert_send_confirmation(subscriber_id=subscriber_id)


def _queue(batches: list[tuple[str, int, int, int]]) -> int:
    """Queue a batch task for each (topic, item, first, last) while the broker answers; beat queues the rest."""
    for batch in batches:
        if not hand_to_worker(delivery.SEND_BATCH_TASK, *batch):
            break
    return len(batches)


def queue_batches(topic_name: str, item_id: int) -> int:
    """Create the publication's deliveries and queue their batches."""
    batches = delivery.alert_prepare(topic_name=topic_name, item_id=item_id)
    return _queue([(topic_name, item_id, first, last) for first, last in batches])


def takes_part(kind: str, transition: str) -> bool:
    """Whether a change is fanned out: it has an alert topic."""
    return topics.topic_for(kind, transition) is not None


def fan_out_change(payload: dict) -> int:
    """The outbox's ``alerts.fan_out``: a publication with an alert topic, fanned out to its subscribers.

    An item that went public with its package is in the package's one mail, not in one of its own."""
    topic = topics.topic_for(payload["kind"], payload["transition"])
    if topic is None or (
        payload["transition"] == "publish" and published_with_package(payload["kind"], payload["item_id"])
    ):
        return 0
    return queue_batches(topic.name, payload["item_id"])


@shared_task(
    name="alerts.tasks.fan_out",
    time_limit=300,
    soft_time_limit=240,
    autoretry_for=TRANSIENT_DB_ERRORS,
    max_retries=8,
    **BACKOFF,
)
def fan_out(topic_name: str, item_id: int) -> int:
    return queue_batches(topic_name, item_id)


@shared_task(
    name=delivery.SEND_BATCH_TASK,
    max_retries=5,
    time_limit=300,
    soft_time_limit=240,
    autoretry_for=(SMTPException, OSError, *TRANSIENT_DB_ERRORS),
    **BACKOFF,
)
def send_batch(topic_name: str, item_id: int, first: int, last: int) -> dict[str, int]:
    return delivery.alert_send_batch(topic_name=topic_name, item_id=item_id, first=first, last=last)


@shared_task(name="alerts.tasks.resume_stalled", time_limit=60, soft_time_limit=50)
def resume_stalled() -> int:
    return _queue(delivery.alerts_stalled_batches())


@shared_task(name="alerts.tasks.purge_unconfirmed", time_limit=120, soft_time_limit=100)
def purge_unconfirmed() -> int:
    return services.alerts_purge_unconfirmed()
