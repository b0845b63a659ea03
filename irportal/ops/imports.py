"""Scheduled imports from outside services: run leases, a shared rate limit, backoff and freshness.

An importer (the EDGAR filings, the price feed) registers its source here from
its app's ``ready()``; every process reads and writes the source's one row
(``ImportSource``), so the rules hold whichever worker runs the import:

- **One run at a time.** ``claim_run`` takes the source with a conditional
  UPDATE (no lock held across the network), and only when its backoff is over.
- **A rate limit shared by every process.** ``take_request_slot`` allows at
  most ``per_minute`` requests in any sixty seconds, counted in the row under
  its lock: never in a process's memory.
- **Backoff.** ``record_failure`` doubles the wait after each failure in a row
  (one minute, two, four... at most an hour), or waits as long as the
  service's ``Retry-After`` asks when that is longer.
- **Freshness.** A source is stale while its last run failed, or when its data
  was last confirmed longer ago than the source allows. ``/readyz`` and the
  metrics show every registered source; the public pages only ever read what
  was stored, so an outside outage never shows there as an error.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from prometheus_client.core import GaugeMetricFamily

from irportal.ops.models import ImportSource

BACKOFF_FIRST = timedelta(minutes=1)
BACKOFF_MAX = timedelta(hours=1)
RETRY_AFTER_MAX = timedelta(hours=6)
WINDOW = timedelta(minutes=1)
ERROR_CHARS = 1000


@dataclass(frozen=True)
class Source:
    """A registered import: ``active()`` says whether it is configured at all, ``stale_after()`` how old its
    data may be before it counts as stale."""

    name: str
    label: str
    active: Callable[[], bool]
    stale_after: Callable[[], timedelta]


_SOURCES: dict[str, Source] = {}


def register(source: Source) -> None:
    _SOURCES[source.name] = source


def registered() -> list[Source]:
    return [_SOURCES[name] for name in sorted(_SOURCES)]


def _row(name: str) -> ImportSource:
    row, _ = ImportSource.objects.get_or_create(name=name)
    return row


def claim_run(name: str, now: datetime, *, lease: timedelta) -> ImportSource | None:
    """Take the source for one run until ``now + lease``; None while another run holds it or its backoff lasts."""
    _row(name)
    free = Q(running_until__isnull=True) | Q(running_until__lte=now)
    waited = Q(retry_at__isnull=True) | Q(retry_at__lte=now)
    taken = (
        ImportSource.objects.filter(free & waited, name=name).update(running_until=now + lease, last_attempt_at=now)
        == 1
    )
    return ImportSource.objects.get(name=name) if taken else None


def end_run(name: str) -> None:
    ImportSource.objects.filter(name=name).update(running_until=None)


def take_request_slot(name: str, now: datetime, *, per_minute: int) -> bool:
    """Count one request against the source's limit; False (and nothing counted) when the minute is full."""
    with transaction.atomic():
        row = ImportSource.objects.select_for_update().get(name=name)
        since = now - WINDOW
        recent = [moment for moment in row.recent_requests if datetime.fromisoformat(moment) > since]
        if len(recent) >= per_minute:
            return False
        row.recent_requests = [*recent, now.isoformat()]
        row.save(update_fields=["recent_requests"])
        return True


def save_state(name: str, *, validators: dict | None = None, progress: dict | None = None) -> None:
    """Keep validators or progress; call it in the transaction that stores the data they describe."""
    fields = {}
    if validators is not None:
        fields["validators"] = validators
    if progress is not None:
        fields["progress"] = progress
    ImportSource.objects.filter(name=name).update(**fields)


def record_success(name: str, now: datetime, *, refreshed: bool) -> None:
    """The run went without error; ``refreshed`` when it confirmed the data current (a 200 or a 304)."""
    fields = {"last_error": "", "failing_since": None, "failures": 0, "retry_at": None}
    if refreshed:
        fields["last_success_at"] = now
    ImportSource.objects.filter(name=name).update(**fields)


def record_failure(name: str, now: datetime, error: str, *, retry_after: float | None = None) -> ImportSource:
    """Keep the error and wait before the next request: the backoff, or ``retry_after`` seconds if longer."""
    with transaction.atomic():
        row = ImportSource.objects.select_for_update().get(name=name)
        row.failures += 1
        wait = min(BACKOFF_FIRST * 2 ** (row.failures - 1), BACKOFF_MAX)
        if retry_after is not None:
            wait = max(wait, min(timedelta(seconds=retry_after), RETRY_AFTER_MAX))
        row.retry_at = now + wait
        row.last_error = error[:ERROR_CHARS]
        row.failing_since = row.failing_since or now
        row.save(update_fields=["failures", "retry_at", "last_error", "failing_since"])
        return row


@dataclass(frozen=True)
class Freshness:
    name: str
    label: str
    ok: bool
    message: str  # "ok", or why not (lazily translated; ``/readyz`` writes it in the primary language)
    age_seconds: float | None


def freshness(source: Source, now: datetime, row: ImportSource | None) -> Freshness:
    last = row.last_success_at if row else None
    age = None if last is None else max(0.0, (now - last).total_seconds())
    if row is not None and row.last_error:
        since = row.failing_since.isoformat(timespec="seconds") if row.failing_since else "?"
        message = format_lazy(_("stale: failing since {since}: {error}"), since=since, error=row.last_error)
        return Freshness(source.name, source.label, False, message, age)
    if last is None:
        return Freshness(source.name, source.label, False, _("stale: no import has succeeded yet"), age)
    limit = source.stale_after()
    if now - last > limit:
        message = format_lazy(
            _("stale: last import {age} s ago (limit {limit} s)"),
            age=f"{age:.0f}",
            limit=f"{limit.total_seconds():.0f}",
        )
        return Freshness(source.name, source.label, False, message, age)
    return Freshness(source.name, source.label, True, "ok", age)


def status(name: str, now: datetime | None = None) -> Freshness:
    source = _SOURCES[name]
    return freshness(source, now or timezone.now(), ImportSource.objects.filter(name=name).first())


def active_statuses(now: datetime) -> list[Freshness]:
    """Every configured source's freshness, in one query."""
    sources = [source for source in registered() if source.active()]
    rows = {row.name: row for row in ImportSource.objects.filter(name__in=[source.name for source in sources])}
    return [freshness(source, now, rows.get(source.name)) for source in sources]


def collect_metrics(now: datetime):
    age = GaugeMetricFamily(
        "irportal_import_age_seconds", "Seconds since each import last confirmed its data current", labels=["source"]
    )
    stale = GaugeMetricFamily(
        "irportal_import_stale", "1 while an import is stale (failing or too old)", labels=["source"]
    )
    for state in active_statuses(now):
        if state.age_seconds is not None:
            age.add_metric([state.name], state.age_seconds)
        stale.add_metric([state.name], 0 if state.ok else 1)
    yield age
    yield stale
