"""Heartbeats of the background processes, kept in the database (the embedded default has no Redis).

Each Celery worker writes ``worker:<hostname>`` every ``WORKER_INTERVAL``
seconds (``irportal.ops.worker.HeartbeatStep``); each sweep that beat schedules
writes ``beat``. A sweep needs beat to send it and a worker to run it: with
the workers fresh and beat late, beat is down. Either is late when its
heartbeat is older than two sweep intervals.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from prometheus_client.core import GaugeMetricFamily

from irportal.ops.models import Heartbeat

BEAT = "beat"
WORKER_PREFIX = "worker:"
WORKER_INTERVAL = 15.0


def sweep_interval() -> float:
    return float(settings.CELERY_BEAT_SCHEDULE["sweep"]["schedule"])


def late_after() -> timedelta:
    return timedelta(seconds=2 * sweep_interval())


def record(name: str, now: datetime | None = None) -> None:
    Heartbeat.objects.update_or_create(name=name, defaults={"beat_at": now or timezone.now()})


def record_worker(hostname: str) -> None:
    record(WORKER_PREFIX + hostname)


@dataclass(frozen=True)
class Status:
    """One component's freshness: ``ok`` when its newest heartbeat is within two sweep intervals."""

    name: str
    last: datetime | None
    now: datetime

    @property
    def age_seconds(self) -> float | None:
        return None if self.last is None else max(0.0, (self.now - self.last).total_seconds())

    @property
    def ok(self) -> bool:
        return self.last is not None and self.now - self.last <= late_after()

    @property
    def message(self) -> str:
        """``ok``, or why not, for people (lazily translated; ``/readyz`` writes it in the primary language)."""
        if self.last is None:
            return format_lazy(_("no {name} heartbeat yet"), name=self.name)
        if self.ok:
            return "ok"
        return format_lazy(
            _("late: last heartbeat {age} s ago (limit {limit} s)"),
            age=f"{self.age_seconds:.0f}",
            limit=f"{late_after().total_seconds():.0f}",
        )


def beat_status(now: datetime | None = None) -> Status:
    """Has beat had the sweep run within two intervals? The staff dashboard and ``/readyz`` ask this."""
    last = Heartbeat.objects.filter(name=BEAT).values_list("beat_at", flat=True).first()
    return Status(BEAT, last, now or timezone.now())


def worker_status(now: datetime | None = None) -> Status:
    """The freshest heartbeat of any worker: one live worker is enough for the queue to move."""
    last = (
        Heartbeat.objects.filter(name__startswith=WORKER_PREFIX)
        .order_by("-beat_at")
        .values_list("beat_at", flat=True)
        .first()
    )
    return Status("worker", last, now or timezone.now())


def collect_metrics(now: datetime):
    family = GaugeMetricFamily(
        "irportal_heartbeat_age_seconds",
        "Seconds since the newest heartbeat of beat and of any worker",
        labels=["part"],
    )
    for status in (beat_status(now), worker_status(now)):
        if status.age_seconds is not None:
            family.add_metric([status.name], status.age_seconds)
    yield family
