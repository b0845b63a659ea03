"""The newswire for the operator's metrics: transmissions by state, and releases the wire keeps waiting."""

from datetime import datetime

from django.db.models import Count
from prometheus_client.core import GaugeMetricFamily

from irportal.workflow.models import State
from releases.models import Release
from wire.models import Transmission
from wire.services import ALARM_BEFORE, not_accepted_transmissions


def collect_metrics(now: datetime):
    counts = dict(Transmission.objects.values_list("status").annotate(n=Count("pk")).order_by())
    family = GaugeMetricFamily(
        "irportal_wire_transmissions", "Transmissions to the newswire by state", labels=["state"]
    )
    for status in Transmission.Status.values:
        family.add_metric([status], counts.get(status, 0))
    yield family
    held = Release.objects.filter(status=State.APPROVED, held=True, gate_opens_at__isnull=True, publish_at__lte=now)
    yield GaugeMetricFamily(
        "irportal_wire_releases_held",
        "Releases past their embargo that the website holds because the wire has not accepted or confirmed them",
        value=held.count(),
    )
    soon = not_accepted_transmissions().filter(hold_until__gt=now, hold_until__lte=now + ALARM_BEFORE)
    yield GaugeMetricFamily(
        "irportal_wire_releases_not_accepted",
        "Releases whose embargo is less than ten minutes away and which the wire has not accepted",
        value=soon.count(),
    )
