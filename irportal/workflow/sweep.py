"""The scheduler sweep: every due change of state, found in the database and made once.

Beat runs it every 30 seconds (``irportal.workflow.tasks.sweep``);
``python manage.py sweep`` runs one now. Apps register their parts
(releases: publish due; events: publish due, replay publication and expiry),
each with the function that finds the oldest moment one of its rows fell due
(for the sweep lag the operator's metrics show). Each part claims its rows
with conditional UPDATEs, so a sweep that runs twice, or on two workers at
once, changes nothing the second time.
"""

import logging
import time
from collections.abc import Callable
from datetime import datetime

from django.utils import timezone
from prometheus_client.core import GaugeMetricFamily

logger = logging.getLogger(__name__)

_PARTS: dict[str, Callable[[datetime], list]] = {}
_OLDEST_DUE: dict[str, Callable[[datetime], datetime | None]] = {}


def register(name: str, part: Callable[[datetime], list], *, oldest_due: Callable[[datetime], datetime | None]) -> None:
    """``part(now)`` makes the due changes; ``oldest_due(now)`` is when the longest-waiting of them fell due."""
    _PARTS[name] = part
    _OLDEST_DUE[name] = oldest_due


def run_sweep(now: datetime | None = None) -> dict[str, list]:
    now = now or timezone.now()
    started = time.perf_counter()
    changed = {name: part(now) for name, part in sorted(_PARTS.items())}
    counts = {name: len(ids) for name, ids in changed.items()}
    logger.info(
        "sweep: %s",
        " ".join(f"{name}={count}" for name, count in counts.items()),
        extra={"changed": counts, "duration_ms": round((time.perf_counter() - started) * 1000, 2)},
    )
    return changed


def lag_seconds(now: datetime) -> float:
    """Seconds between the oldest change that is due but not yet made and ``now``; 0 when nothing waits."""
    due = [moment for oldest in _OLDEST_DUE.values() if (moment := oldest(now)) is not None]
    return max(0.0, (now - min(due)).total_seconds()) if due else 0.0


def collect_metrics(now: datetime):
    family = GaugeMetricFamily(
        "irportal_sweep_lag_seconds", "Seconds since the oldest due but unmade scheduled change fell due"
    )
    family.add_metric([], lag_seconds(now))
    yield family
