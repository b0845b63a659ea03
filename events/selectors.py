"""Reads: which events the public sees at a moment, and what staff should look at next."""

from datetime import datetime

from django.db.models import Min, Q
from django.db.models.functions import Coalesce

from company.models import CompanyProfile
from events.content import EventDocument
from events.models import Event
from irportal.workflow.models import State


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


def investor_page_events(now: datetime, *, home_zone: str | None = None) -> dict:
    """For the Investor page: upcoming events with their webcast links, and the replays available now.

    Two bounded reads, each along an index that stops at the first rows it
    needs: the events not over yet that finish first (twice as many as shown,
    then shown soonest first), and the replay windows open now, most recently
    opened first.
    """
    home_zone = home_zone or CompanyProfile.load().home_time_zone
    listed = public_events(now).filter(cancelled_at__isnull=True)
    soonest = (
        listed.alias(finishes_at=Coalesce("ends_at", "starts_at"))
        .filter(finishes_at__gte=now)
        .order_by("finishes_at", "id")[: INVESTOR_PAGE_EVENTS * 2]
    )
    replaying = listed.filter(replay_available_at__lte=now, replay_expires_at__gt=now).order_by(
        "-replay_available_at", "-id"
    )[:INVESTOR_PAGE_EVENTS]
    upcoming, _ = upcoming_and_past(_documents(soonest, now, home_zone))
    _, past = upcoming_and_past(_documents(replaying, now, home_zone))
    return {
        "upcoming_events": upcoming[:INVESTOR_PAGE_EVENTS],
        "replays_now": [doc for doc in past if doc.replay.state == "available"],
    }


def _documents(events, now: datetime, home_zone: str) -> list[EventDocument]:
    documents = [document(event, now=now, home_zone=home_zone) for event in events]
    return [doc for doc in documents if doc is not None and doc.starts_at is not None]


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
