"""Alert deliveries for the operator's metrics: how many wait to be sent, and how many failed for good."""

from datetime import datetime

from django.db.models import Count
from prometheus_client.core import GaugeMetricFamily

from alerts.models import Delivery, DeliveryStatus
from irportal.workflow.models import OutboxMessage

REPORTED = (DeliveryStatus.PENDING, DeliveryStatus.SENDING, DeliveryStatus.FAILED)


def _counts() -> dict[str, int]:
    return dict(Delivery.objects.filter(status__in=REPORTED).values_list("status").annotate(n=Count("pk")).order_by())


def collect_metrics(now: datetime):
    counts = _counts()
    family = GaugeMetricFamily(
        "irportal_alert_deliveries", "Alert mails waiting (pending, sending) and failed for good", labels=["state"]
    )
    for status in REPORTED:
        family.add_metric([status.value], counts.get(status.value, 0))
    yield family


def backlog(user, now: datetime) -> dict:
    """The IR Admin's dashboard panel: alert mails waiting and failed, and side effects that failed for good."""
    counts = _counts()
    return {
        "pending": counts.get(DeliveryStatus.PENDING, 0) + counts.get(DeliveryStatus.SENDING, 0),
        "failed": counts.get(DeliveryStatus.FAILED, 0),
        "side_effects_failed": OutboxMessage.objects.filter(status=OutboxMessage.Status.FAILED).count(),
    }
