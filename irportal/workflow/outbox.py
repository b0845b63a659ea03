"""Side effects that hold under faults: a transactional outbox.

Every side effect of a change (mail to the people it concerns, the alerts'
fan-out, the public cache's new generation, the events' announcement) is an
``OutboxMessage`` row written in the transaction that makes the change: the
change and its side effects are committed together or not at all.

- After the commit, ``dispatch`` runs each *inline* handler in the process
  that made the change (quick, local work: the ``state_changed``
  announcement, on which the public cache starts a new generation, so the
  next request of every web process sees the change even when no worker
  runs) and hands every other row to a Celery worker, trying the broker once
  with a short timeout: a broker outage costs the request nothing.
- A worker claims the row with a conditional UPDATE (``claimed_until``), runs
  its handler and marks it done with another; a second delivery of the same
  row finds it claimed or done and does nothing. A handler may still run
  twice (its worker died after the work and before the mark), so each is
  written to be run again safely.
- Beat is the clock (``redispatch``, every 30 seconds): it releases the claim
  of a worker that died (after ``LEASE``), hands a worker every row not done
  by its ``redispatch_at`` (``REDISPATCH_AFTER`` after the change, or when a
  retry is due), and marks failed, with the last error, a row still failing
  ``OUTBOX_RETRY_HOURS`` after its change. Workers decide nothing by the
  clock, so beat and workers on different machines agree.

So a broker outage, a worker killed between the commit and the dispatch, or
a database restart delays a side effect by a few minutes and never loses it.
"""

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import InterfaceError, OperationalError, connection, transaction
from django.db.models import F
from django.utils import timezone
from prometheus_client.core import GaugeMetricFamily

from irportal.celery import app
from irportal.workflow.models import OutboxMessage

logger = logging.getLogger(__name__)

RUN_TASK = "irportal.workflow.tasks.run_outbox_message"
# The run task's hard time limit; a claim lasts a little longer, so that a running handler is never released.
RUN_TIME_LIMIT = 120
LEASE = timedelta(seconds=RUN_TIME_LIMIT + 30)
# A row not done this long after its change (or its last hand-over) is handed to a worker again.
REDISPATCH_AFTER = timedelta(seconds=30)
# Seconds before the next try of a failed handler: at once, then 30 s, 1, 2 and every 4 minutes. The
# ceiling keeps a side effect within five minutes of the end of the fault that made it fail.
RETRY_DELAYS = (0, 30, 60, 120, 240)
KEEP_DONE = timedelta(days=7)
REDISPATCH_BATCH = 1000
# One try at the broker, and one reconnection at once for a connection that a broker restart left stale.
QUICK_PUBLISH = {"max_retries": 1, "interval_start": 0, "interval_step": 0, "interval_max": 0}
TRANSIENT_DB_ERRORS = (OperationalError, InterfaceError)


@dataclass(frozen=True)
class Handler:
    name: str
    run: Callable[[dict], object]
    # Which changes write a row for this handler: called with (kind, transition).
    on_change: Callable[[str, str], bool]
    # Run in the process that made the change, right after the commit (a worker runs it only if that fails).
    inline: bool = False


_HANDLERS: dict[str, Handler] = {}


def register(name: str, run: Callable[[dict], object], *, on_change: Callable[[str, str], bool], inline=False):
    """Make a side effect of changes known; apps call this when they load (``AppConfig.ready``)."""
    _HANDLERS[name] = Handler(name=name, run=run, on_change=on_change, inline=inline)


def retry_delay(attempts: int) -> timedelta:
    """How long to wait before the next try after ``attempts`` failed ones."""
    return timedelta(seconds=RETRY_DELAYS[min(attempts, len(RETRY_DELAYS)) - 1])


def retry_on_db_errors(operation: Callable, *, seconds: float = 30):
    """Run a short database operation, retrying it through a database restart for up to ``seconds``.

    Only outside a transaction: a transaction that lost its connection is
    lost, and its caller must start again.
    """
    deadline, pause = time.monotonic() + seconds, 0.25
    while True:
        try:
            return operation()
        except TRANSIENT_DB_ERRORS:
            if connection.in_atomic_block or time.monotonic() + pause > deadline:
                raise
            logger.warning("database unreachable; trying again in %.2f s", pause, exc_info=True)
            connection.close()
            time.sleep(pause)
            pause = min(pause * 2, 5)


def hand_to_worker(task_name: str, *args) -> bool:
    """Queue a task, giving the broker one quick try; False (and logged) when it cannot be reached."""
    try:
        app.send_task(task_name, args=args, retry=True, retry_policy=QUICK_PUBLISH)
    except Exception:  # any broker failure: the database keeps what is owed, and beat sends it again
        logger.warning("broker unreachable; %s%r is left to beat", task_name, args, exc_info=True)
        return False
    return True


def record_change(kind: str, item_id: int, transition: str, *, public_already: bool = False) -> None:
    """In the transaction of a change: one row per side effect of it, handed on after the commit.

    ``public_already``: the change marks what the public has been reading since an embargo passed (the
    sweep's publication); receivers of ``state_changed`` get it, and the public cache keeps its copies.
    """
    now = timezone.now()
    handlers = sorted(
        (handler for handler in _HANDLERS.values() if handler.on_change(kind, transition)),
        key=lambda handler: not handler.inline,
    )
    payload = {"kind": kind, "item_id": item_id, "transition": transition}
    if public_already:
        payload["public_already"] = True
    _write([(handler.name, payload) for handler in handlers], now)


def record(name: str, payload: dict) -> None:
    """In the caller's transaction: one row for the side effect ``name`` with its own ``payload`` (e.g. a
    transmission to the newswire), handed on after the commit like those of a change. ``name`` is registered
    with ``register`` (an ``on_change`` that answers False keeps it out of every change)."""
    if name not in _HANDLERS:
        raise LookupError(f"no side effect named {name!r} is registered")
    _write([(name, payload)], timezone.now())


def _write(rows: list[tuple[str, dict]], now) -> None:
    messages = OutboxMessage.objects.bulk_create(
        [OutboxMessage(handler=name, payload=payload, redispatch_at=now + REDISPATCH_AFTER) for name, payload in rows]
    )
    if messages:
        # Robust: whatever happens here (the database gone again a moment after the commit), the change
        # stands and its caller gets its answer; beat hands on what was not done.
        transaction.on_commit(lambda: dispatch([(message.pk, message.handler) for message in messages]), robust=True)


def dispatch(messages: list[tuple[int, str]]) -> None:
    """After the commit: run the inline handlers here, hand the others to a worker while the broker answers."""
    broker_up = True
    for pk, name in messages:
        handler = _HANDLERS.get(name)
        if handler is not None and handler.inline:
            run(pk, patience=0)
        elif broker_up:
            broker_up = hand_to_worker(RUN_TASK, pk)


def run(message_id: int, *, patience: float = 30) -> bool:
    """Run one row's handler unless it is done or another worker runs it; True if this call did it.

    A handler that raises leaves the row pending with its error, for a retry
    when ``retry_delay`` says. ``patience``: how long the marks wait for an
    unreachable database (none in a web request).
    """
    claimed = OutboxMessage.objects.filter(
        pk=message_id, status=OutboxMessage.Status.PENDING, claimed_until__isnull=True
    ).update(claimed_until=timezone.now() + LEASE, attempts=F("attempts") + 1)
    if not claimed:
        return False
    message = OutboxMessage.objects.get(pk=message_id)
    try:
        handler = _HANDLERS.get(message.handler)
        if handler is None:
            raise LookupError(f"no side effect named {message.handler!r} is registered")
        # Handlers also learn which row they run for and when its change happened (a send log, a mail's order).
        handler.run(message.payload | {"outbox_id": message.pk, "changed_at": message.created_at.isoformat()})
    except Exception as error:  # kept on the row, and tried again
        logger.warning("side effect %s failed (attempt %s)", message, message.attempts, exc_info=True)
        retry_on_db_errors(lambda error=error: _release(message, error), seconds=patience)
        return False
    retry_on_db_errors(
        lambda: OutboxMessage.objects.filter(pk=message_id, status=OutboxMessage.Status.PENDING).update(
            status=OutboxMessage.Status.DONE, done_at=timezone.now(), claimed_until=None
        ),
        seconds=patience,
    )
    return True


def _release(message: OutboxMessage, error: Exception) -> None:
    OutboxMessage.objects.filter(pk=message.pk, status=OutboxMessage.Status.PENDING).update(
        claimed_until=None,
        redispatch_at=timezone.now() + retry_delay(message.attempts),
        last_error=f"{type(error).__name__}: {error}"[:2000],
    )


def redispatch(*, now=None) -> dict[str, int]:
    """Beat's part: release dead workers' claims, give up on the hopeless, hand every due row to a worker."""
    now = now or timezone.now()
    pending = OutboxMessage.objects.filter(status=OutboxMessage.Status.PENDING)
    released = pending.filter(claimed_until__lt=now).update(claimed_until=None, redispatch_at=now)
    failed = _give_up(pending.filter(claimed_until__isnull=True), now)
    due = list(
        pending.filter(claimed_until__isnull=True, redispatch_at__lte=now)
        .order_by("redispatch_at")
        .values_list("pk", flat=True)[:REDISPATCH_BATCH]
    )
    sent = 0
    for pk in due:
        pending.filter(pk=pk, claimed_until__isnull=True).update(redispatch_at=now + REDISPATCH_AFTER)
        if not hand_to_worker(RUN_TASK, pk):
            break
        sent += 1
    OutboxMessage.objects.filter(status=OutboxMessage.Status.DONE, done_at__lt=now - KEEP_DONE).delete()
    return {"released": released, "failed": failed, "dispatched": sent}


def _give_up(unclaimed, now) -> int:
    budget = timedelta(hours=settings.OUTBOX_RETRY_HOURS)
    failed = 0
    for message in unclaimed.filter(created_at__lt=now - budget):
        reason = f"Gave up {settings.OUTBOX_RETRY_HOURS} hours after the change: {message.last_error or 'never ran'}"
        failed += unclaimed.filter(pk=message.pk).update(status=OutboxMessage.Status.FAILED, last_error=reason)
        logger.error("side effect %s failed for good: %s", message, reason)
    return failed


def collect_metrics(now: datetime):
    """For the operator's metrics: side effects waiting, failed for good, and the age of the oldest waiting."""
    waiting = OutboxMessage.objects.filter(status=OutboxMessage.Status.PENDING)
    counts = GaugeMetricFamily(
        "irportal_outbox_messages", "Side effects of changes not done yet, or failed", labels=["state"]
    )
    counts.add_metric(["pending"], waiting.count())
    counts.add_metric(["failed"], OutboxMessage.objects.filter(status=OutboxMessage.Status.FAILED).count())
    yield counts
    oldest = waiting.order_by("created_at").values_list("created_at", flat=True).first()
    age = GaugeMetricFamily("irportal_outbox_oldest_pending_seconds", "Age of the oldest side effect not done yet")
    age.add_metric([], (now - oldest).total_seconds() if oldest else 0.0)
    yield age
