"""Reads: which events the public sees at a moment, and what staff should look at next."""

from datetime import datetime, timedelta

from django.db.models import Min, Q
from django.db.models.functions import Coalesce

from events.content import EventDocument
from events.models import Event
from irportal.db import PreparedQuery
from irportal.investors.models import CompanyProfile
from irportal.workflow.models import State, public_contents


def public_events(now: datetime):
    return Event.objects.public(now).select_related("live_revision", "approved_revision")


def document(event: Event, *, now: datetime, home_zone: str) -> EventDocument | None:
    """The event as the public reads it at ``now``; None when it is not public."""
    revision = event.public_revision(now)
    if revision is None:
        return None
    return EventDocument(event, revision.content, now=now, home_zone=home_zone)


def public_documents(now: datetime, home_zone: str | None = None) -> list[EventDocument]:
    return _documents(public_events(now), now, home_zone or CompanyProfile.load().home_time_zone)


def public_document(slug: str, now: datetime) -> EventDocument | None:
    event = public_events(now).filter(slug=slug).first()
    if event is None:
        return None
    doc = document(event, now=now, home_zone=CompanyProfile.load().home_time_zone)
    return doc if doc is not None and doc.starts_at is not None else None


def upcoming_and_past(documents: list[EventDocument]) -> tuple[list[EventDocument], list[EventDocument]]:
    """Upcoming soonest first; past most recent first."""
    upcoming = sorted((doc for doc in documents if doc.is_upcoming), key=lambda doc: doc.starts_at)
    past = sorted((doc for doc in documents if not doc.is_upcoming), key=lambda doc: doc.starts_at, reverse=True)
    return upcoming, past


INVESTOR_PAGE_EVENTS = 5
# What the Investor page reads of each event besides the public revision's content: the address, the replay
# and the cancellation.
COLUMNS = ("id", "slug", "cancelled_at", "replay_url", "replay_available_at", "replay_expires_at")


def _listed(now: datetime):
    return Event.objects.public(now).filter(cancelled_at__isnull=True)


# Bounded, whatever the number of events, and each read along an index that stops at the first rows it needs:
# the events not over yet that finish first (twice as many as shown, then shown soonest first), and the replay
# windows open now, most recently opened first. Both in one round trip.
_INVESTOR_PAGE = PreparedQuery(
    Event,
    lambda now: (
        _listed(now)
        .alias(finishes_at=Coalesce("ends_at", "starts_at"))
        .filter(finishes_at__gte=now)
        .order_by("finishes_at", "id")
        .values_with_public_content(COLUMNS, now)[: INVESTOR_PAGE_EVENTS * 2]
    ),
    lambda now: (
        _listed(now)
        .filter(replay_available_at__lte=now, replay_expires_at__gt=now)
        .order_by("-replay_available_at", "-id")
        .values_with_public_content(COLUMNS, now)[:INVESTOR_PAGE_EVENTS]
    ),
)


def investor_page_events(now: datetime, *, home_zone: str) -> dict:
    """For the Investor page: upcoming events with their webcast links, and the replays available now.

    Two bounded queries in one statement (``_INVESTOR_PAGE``), each event
    then decided from the revision the public reads.
    """
    soonest, replaying = _INVESTOR_PAGE.rows(now)
    upcoming, _ = upcoming_and_past(_row_documents(soonest, now, home_zone))
    _, past = upcoming_and_past(_row_documents(replaying, now, home_zone))
    return {
        "upcoming_events": [doc for doc in upcoming if not doc.cancelled][:INVESTOR_PAGE_EVENTS],
        "replays_now": [doc for doc in past if doc.replay.state == "available"],
    }


def _row_documents(rows, now: datetime, home_zone: str) -> list[EventDocument]:
    documents = (
        EventDocument(event, content, now=now, home_zone=home_zone)
        for event, content in public_contents(Event, COLUMNS, rows)
    )
    return [doc for doc in documents if doc.starts_at is not None]


def _documents(events, now: datetime, home_zone: str) -> list[EventDocument]:
    documents = [document(event, now=now, home_zone=home_zone) for event in events]
    return [doc for doc in documents if doc is not None and doc.starts_at is not None]


def replays_changing_soon(now: datetime, *, days: int = 7) -> dict:
    """For staff: replays that go live, and replays that expire, within the next ``days``."""
    horizon = now + timedelta(days=days)
    live = Event.objects.filter(cancelled_at__isnull=True).exclude(status="withdrawn")
    return {
        "going_live": live.filter(replay_available_at__gte=now, replay_available_at__lt=horizon).order_by(
            "replay_available_at"
        ),
        "expiring": live.filter(replay_expires_at__gte=now, replay_expires_at__lt=horizon)
        .filter(Q(replay_available_at__lt=now))
        .order_by("replay_expires_at"),
        "days": days,
    }


SCHEDULED_FIELDS = ("starts_at", "ends_at", "replay_available_at", "replay_expires_at")


def next_scheduled_change(now: datetime) -> datetime | None:
    """The next moment the public events pages change by themselves, in one query.

    An approved event's embargo, an event starting or ending (it moves from
    upcoming to past), a replay opening or closing. The public cache keeps no
    copy past it.
    """
    moments = Event.objects.exclude(status=State.WITHDRAWN).aggregate(
        embargo=Min("publish_at", filter=Q(status=State.APPROVED, publish_at__gt=now)),
        **{field: Min(field, filter=Q(**{f"{field}__gt": now})) for field in SCHEDULED_FIELDS},
    )
    return min(filter(None, moments.values()), default=None)
