"""Events in the approval workflow, and the replay lifecycle the sweep drives.

``event_submit`` ... ``event_withdraw`` are one call of the shared engine each.
``event_replay_publish`` and ``event_replay_expire`` are the sweep's: each
claims one event with a conditional UPDATE, so a second sweep, or a sweep on
another worker at the same moment, changes nothing; the audit entry is
written as the system in the same transaction, with the side effects as
outbox rows.
"""

from datetime import datetime
from typing import Unpack

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from events import signals
from events.models import MAX_REPLAY_DAYS, Event, ReplayStatus
from irportal.audit.registry import register_action
from irportal.audit.services import audit_record
from irportal.workflow import engine, outbox, sweep
from irportal.workflow.checks import Check
from irportal.workflow.engine import WorkflowSpec

REPLAY_SWEEP_BATCH = 1000

EVENT_ACTIONS = {
    "event.cancel": "Event cancelled",
    "event.replay_publish": "Event replay published",
    "event.replay_expire": "Event replay expired",
    "event.replay_window_change": "Event replay window changed",
    "event.replay_url_change": "Event replay link changed",
}
for _name, _label in EVENT_ACTIONS.items():
    register_action(_name, _label)


def disclosure_problems(event: Event) -> list[str]:
    """What a webcast notice must say before approval (Regulation FD): when, what, how to reach it, for how long."""
    problems = []
    if event.starts_at is None:
        problems.append(_("the date and time of the event are missing"))
    if not event.time_zone:
        problems.append(_("the time zone is missing"))
    if not event.title.strip():
        problems.append(_("the subject (title) is missing"))
    if not event.webcast_url:
        problems.append(_("the webcast access link is missing"))
    if not 1 <= (event.replay_days or 0) <= MAX_REPLAY_DAYS:
        problems.append(_("the replay window is missing"))
    return problems


def event_checks(event: Event) -> list[Check]:
    """A webcast notice without its facts cannot be approved: each missing fact is a blocker."""
    return [Check("disclosure", problem, blocking=True) for problem in disclosure_problems(event)]


EVENT = engine.register(
    WorkflowSpec(
        kind="event",
        model=Event,
        checks=event_checks,
        translatable=("title", "organizer", "location", "presenters", "description"),
    )
)
outbox.register("events.event_changed", signals.announce, on_change=lambda kind, change: kind == "event")


def record_change(event_id: int, change: str) -> None:
    """In the change's transaction: its side effects, the ``event_changed`` and ``state_changed`` announcements."""
    outbox.record_change(EVENT.kind, event_id, change)


def event_submit(*, event_id: int, actor, comment: str = "") -> Event:
    return engine.submit(EVENT, pk=event_id, actor=actor, comment=comment)


def event_request_changes(*, event_id: int, actor, comment: str) -> Event:
    return engine.request_changes(EVENT, pk=event_id, actor=actor, comment=comment)


def event_approve(*, event_id: int, actor, **options: Unpack[engine.ApprovalOptions]) -> Event:
    """Approve the current step; ``options`` as ``irportal.workflow.engine.approve`` takes them."""
    return engine.approve(EVENT, pk=event_id, actor=actor, **options)


def event_schedule(*, event_id: int, actor, publish_at: datetime, step_up: dict | None = None) -> Event:
    return engine.schedule(EVENT, pk=event_id, actor=actor, publish_at=publish_at, step_up=step_up)


def event_publish(*, event_id: int, actor, step_up: dict | None = None) -> Event:
    return engine.publish(EVENT, pk=event_id, actor=actor, step_up=step_up)


def event_withdraw(*, event_id: int, actor, reason: str, step_up: dict | None = None) -> Event:
    return engine.withdraw(EVENT, pk=event_id, actor=actor, reason=reason, step_up=step_up)


# -- the replay lifecycle ------------------------------------------------------------------------


def _replay_publishable_q(now) -> Q:
    """Inside the window and not yet published; or expired, then given a longer window."""
    inside = Q(replay_available_at__lte=now, replay_expires_at__gt=now)
    return (Q(replay_status=ReplayStatus.PENDING) | Q(replay_status=ReplayStatus.EXPIRED)) & inside


def _replay_publication_candidates(now):
    """The rows the sweep tries, each branch one range of an index so it reads the due rows, not the table.

    Pending replays come from the partial index on ``replay_available_at``;
    a replay whose window closed before it was ever published stays pending
    (nothing public changed, so nothing is expired) and is passed over. The
    claim re-checks the whole condition.
    """
    pending = Q(replay_status=ReplayStatus.PENDING, replay_available_at__lte=now, replay_expires_at__gt=now)
    reopened = Q(replay_status=ReplayStatus.EXPIRED, replay_expires_at__gt=now, replay_available_at__lte=now)
    return Event.objects.filter(pending | reopened)


def _replay_expirable_q(now) -> Q:
    """A published replay link whose window has closed; one never published is not expired."""
    return Q(replay_status=ReplayStatus.AVAILABLE, replay_expires_at__lte=now)


def _not_before_the_last_change(now) -> Q:
    """A sweep that started before the row's last replay change cannot undo it (sweeps overlap)."""
    return (Q(replay_published_at__isnull=True) | Q(replay_published_at__lte=now)) & (
        Q(replay_expired_at__isnull=True) | Q(replay_expired_at__lte=now)
    )


def events_due_for_replay_publication(now: datetime):
    """Public events with a replay link whose window is open and whose link is not yet published."""
    return Event.objects.replay_publishable().filter(_replay_publishable_q(now)).exclude(replay_url="")


def events_due_for_replay_expiry(now: datetime):
    """Events whose published replay link must come down: its window has closed."""
    return Event.objects.filter(_replay_expirable_q(now))


def _claim(event_id: int, due, *, now: datetime, action: str, after: str, stamp: str) -> bool:
    """Move one event's replay to ``after`` if it is still due: the conditional UPDATE decides.

    It is decided as of the sweep's ``now``, and only if no sweep has changed
    the replay since that moment: each change stamps its moment on the row
    (``replay_published_at``, ``replay_expired_at``), so an older sweep that
    runs late cannot publish a replay a newer one has expired.
    """
    due = due.filter(_not_before_the_last_change(now))
    with transaction.atomic():
        before = due.filter(pk=event_id).values_list("replay_status", flat=True).first()
        if before is None:
            return False
        claimed = due.filter(pk=event_id, replay_status=before).update(replay_status=after, **{stamp: now})
        if claimed != 1:
            return False
        event = Event.objects.get(pk=event_id)
        audit_record(
            action=action,
            actor=None,
            obj=event,
            changes={"replay_status": {"before": before, "after": after}},
            data={
                "by": "sweep",
                "replay_url": event.replay_url,
                "replay_available_at": event.replay_available_at.isoformat(),
                "replay_expires_at": event.replay_expires_at.isoformat(),
            },
        )
        record_change(event_id, action.removeprefix("event."))
    return True


def event_replay_publish(*, event_id: int, now: datetime) -> bool:
    """Publish the replay link once ``replay_available_at`` has come; True if this call did it."""
    return _claim(
        event_id,
        events_due_for_replay_publication(now),
        now=now,
        action="event.replay_publish",
        after=ReplayStatus.AVAILABLE,
        stamp="replay_published_at",
    )


def event_replay_expire(*, event_id: int, now: datetime) -> bool:
    """Expire the replay link once ``replay_expires_at`` has come; True if this call did it."""
    return _claim(
        event_id,
        events_due_for_replay_expiry(now),
        now=now,
        action="event.replay_expire",
        after=ReplayStatus.EXPIRED,
        stamp="replay_expired_at",
    )


def _sweep_replays(due, action, now: datetime) -> list[int]:
    changed = []
    for event_id in due.order_by().values_list("pk", flat=True)[:REPLAY_SWEEP_BATCH]:
        if action(event_id=event_id, now=now):
            changed.append(event_id)
    return changed


def events_publish_due(now: datetime) -> list[int]:
    return engine.publish_due(EVENT, now=now)


def events_replay_publish_due(now: datetime) -> list[int]:
    return _sweep_replays(_replay_publication_candidates(now), event_replay_publish, now)


def events_replay_expire_due(now: datetime) -> list[int]:
    return _sweep_replays(events_due_for_replay_expiry(now), event_replay_expire, now)


def events_oldest_publish_due(now: datetime) -> datetime | None:
    return engine.oldest_publish_due(EVENT, now=now)


def _oldest(due, column: str) -> datetime | None:
    return due.order_by(column).values_list(column, flat=True).first()


def events_oldest_replay_publication_due(now: datetime) -> datetime | None:
    return _oldest(events_due_for_replay_publication(now), "replay_available_at")


def events_oldest_replay_expiry_due(now: datetime) -> datetime | None:
    return _oldest(events_due_for_replay_expiry(now), "replay_expires_at")


sweep.register("events.publish", events_publish_due, oldest_due=events_oldest_publish_due)
sweep.register("events.replay_publish", events_replay_publish_due, oldest_due=events_oldest_replay_publication_due)
sweep.register("events.replay_expire", events_replay_expire_due, oldest_due=events_oldest_replay_expiry_due)
