"""Alert deliveries for the operator's metrics: how many wait to be sent, and how many failed for good."""

from datetime import datetime

from django.db.models import Count
from prometheus_client.core import GaugeMetricFamily

from alerts.models import Delivery, DeliveryStatus

REPORTED = (DeliveryStatus.PENDING, DeliveryStatus.SENDING, DeliveryStatus.FAILED)


def collect_metrics(now: datetime):
    counts = dict(Delivery.objects.filter(status__in=REPORTED).values_list("status").annotate(n=Count("pk")).order_by())
    family = GaugeMetricFamily(
        "irportal_alert_deliveries", "Alert mails waiting (pending, sending) and failed for good", labels=["state"]
    )
    for status in REPORTED:
        family.add_metric([status.value], counts.get(status.value, 0))
    yield family
