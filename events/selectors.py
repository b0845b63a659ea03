"""Reads: which events the public sees at a moment, and what staff should look at next."""

import json
import zoneinfo
from dataclasses import dataclass
from datetime import datetime

from dateutil.relativedelta import relativedelta
from django.core.paginator import InvalidPage, Page, Paginator

from company.models import CompanyProfile
from events.content import EventDocument, Wording
from events.models import Event
from irportal.ops.moments import Moments
from irportal.workflow import languages
from irportal.workflow.models import (
    PUBLIC_STATE_FIELDS,
    State,
    public_revision_id_sql,
    public_sql,
    public_sql_parameters,
)

# The operational facts pages and calendars tell beside an event's content (address, replay, cancellation).
EVENT_FACTS = (
    "slug",
    "cancelled_at",
    "replay_url",
    "replay_status",
    "replay_days",
    "replay_available_at",
    "replay_expires_at",
)
# What a public document of an event is made of: the columns that choose the revision the public reads, the
# facts, and the revisions' number and content.
PUBLIC_DOCUMENT_FIELDS = (
    *EVENT_FACTS,
    *PUBLIC_STATE_FIELDS,
    *(f"{revision}__{field}" for revision in ("live_revision", "approved_revision") for field in ("number", "content")),
)


def _for_documents(events):
    return events.select_related("live_revision", "approved_revision").only(*PUBLIC_DOCUMENT_FIELDS)


def public_events(now: datetime):
    return _for_documents(Event.objects.public(now))


def document(event: Event, *, now: datetime, home_zone: str) -> EventDocument | None:
    """The event as the public reads it at ``now``, in the page's language; None when it is not public."""
    revision = event.public_revision(now)
    if revision is None:
        return None
    content = languages.in_active_language(revision.content)
    return EventDocument(event, content, now=now, home_zone=home_zone, number=revision.number)


def public_documents(now: datetime, home_zone: str | None = None) -> list[EventDocument]:
    return _documents(public_events(now), now, home_zone or CompanyProfile.load().home_time_zone)


def public_document(slug: str, now: datetime) -> EventDocument | None:
    """The public event at this address, with the number of the revision read (``DOCUMENT_SQL``)."""
    events = _read_raw(DOCUMENT_SQL, _parameters(now, slug=slug))
    documents = _content_documents(events, now, CompanyProfile.load().home_time_zone, numbered=True)
    return documents[0] if documents else None


# The events page: the current and upcoming events (at most this many, soonest first), then the past events
# of one year, most recent first, this many a page.
UPCOMING_SHOWN = 50
PAST_PAGE_SIZE = 20
# The events calendar (events.ics) holds the events that started at most this many months ago, and every
# event ahead: its size follows the company's pace of events, not the length of its history.
CALENDAR_MONTHS_BACK = 13


# The events page's reads as reviewed statements (plain SQL, PostgreSQL and SQLite alike), each bounded by an index
# or by one year's events: the ORM built the public rule's conditional expressions for each, most of the page's
# cost. A published row's own times are those of its live revision, which the public reads, so the published rows
# are narrowed and ordered by their own indexed times (``_SETTLED``); the few rows with a correction pending
# (``PENDING_SQL``) may hold other times than the revision the public reads, so they are read once with that revision
# and merged in Python. tests/investors/test_public_lists.py holds the page to the full public reading at many moments.
_FACTS = ", ".join(f"e.{column}" for column in ("id", *EVENT_FACTS))
_SETTLED = """FROM events_event e JOIN events_eventrevision r ON r.id = e.live_revision_id
WHERE e.status = %(published)s AND e.starts_at IS NOT NULL"""
_FINISHES_AT = "COALESCE(e.ends_at, e.starts_at)"
PENDING_SQL = f"""
SELECT {_FACTS}, r.content AS public_content
FROM events_event e JOIN events_eventrevision r ON r.id = {public_revision_id_sql("e")}
WHERE e.status IN (%(draft)s, %(in_review)s, %(approved)s) AND {public_sql("e")}
"""  # noqa: S608 - made of the statement's own parts; every value is a parameter
# The first and the last start of the published past events: the two ends of the start-time index.
PAST_ENDS_SQL = f"""
SELECT * FROM (SELECT e.id, e.starts_at {_SETTLED} AND {_FINISHES_AT} <= %(now)s
    ORDER BY e.starts_at LIMIT 1) AS first_past
UNION ALL
SELECT * FROM (SELECT e.id, e.starts_at {_SETTLED} AND {_FINISHES_AT} <= %(now)s
    ORDER BY e.starts_at DESC LIMIT 1) AS last_past
"""  # noqa: S608 - made of the statement's own parts; every value is a parameter
UPCOMING_SQL = f"""
SELECT {_FACTS}, e.starts_at, r.content AS public_content {_SETTLED} AND {_FINISHES_AT} > %(now)s
ORDER BY e.starts_at, e.id LIMIT %(count)s
"""
# One year's published past events, with their content (decoded only for the page shown).
PAST_IN_YEAR_SQL = f"""
SELECT {_FACTS}, e.starts_at, r.content AS public_content {_SETTLED}
  AND e.starts_at >= %(start)s AND e.starts_at < %(end)s AND {_FINISHES_AT} <= %(now)s
"""


# An event's page and calendar: the public event at an address, with the facts, content and number they write.
# tests/investors/test_public_lists.py holds it to the full public reading at many moments.
DOCUMENT_SQL = f"""
SELECT {_FACTS}, r.content AS public_content, r.number AS public_number
FROM events_event e JOIN events_eventrevision r ON r.id = {public_revision_id_sql("e")}
WHERE e.slug = %(slug)s AND {public_sql("e")}
"""  # noqa: S608 - made of the statement's own parts; every value is a parameter


def _parameters(now: datetime, **more) -> dict:
    return public_sql_parameters(now) | more


def pending_documents(now: datetime, home_zone: str, wording: Wording) -> list[EventDocument]:
    """The public events with a correction pending, as the public reads them at ``now``: the (few) rows whose own
    columns may hold other times than the revision the public reads, read whole once for a page's lists."""
    return _content_documents(_read_raw(PENDING_SQL, _parameters(now)), now, home_zone, wording=wording)


def past_event_years(now: datetime, zone: zoneinfo.ZoneInfo, pending: list[EventDocument]) -> list[int]:
    """Every year from the most recent past event's to the oldest's, newest first, in company time.

    Two reads at the ends of the start-time index for the published rows, and the events with a correction
    pending (``pending_documents``); never a scan of the history.
    """
    starts = [event.starts_at for event in Event.objects.raw(PAST_ENDS_SQL, _parameters(now))]
    starts += [doc.starts_at for doc in pending if doc.finished_at <= now]
    if not starts:
        return []
    return list(range(max(starts).astimezone(zone).year, min(starts).astimezone(zone).year - 1, -1))


def past_events_in(now: datetime, year: int, zone: zoneinfo.ZoneInfo, pending: list[EventDocument]) -> list:
    """The public events that started in ``year`` (company time) and are over at ``now``, most recent first: the
    published rows (``Event``, content not yet decoded) merged with those of ``pending`` (``EventDocument``)."""
    start, end = datetime(year, 1, 1, tzinfo=zone), datetime(year + 1, 1, 1, tzinfo=zone)
    rows = [
        (event.starts_at, event.pk, event)
        for event in Event.objects.raw(PAST_IN_YEAR_SQL, _parameters(now, start=start, end=end))
    ]
    rows += [
        (doc.starts_at, doc.event.pk, doc) for doc in pending if start <= doc.starts_at < end and doc.finished_at <= now
    ]
    return [read for *_, read in sorted(rows, key=lambda row: row[:2], reverse=True)]


def upcoming_documents(
    now: datetime, pending: list[EventDocument], home_zone: str, count: int, wording: Wording
) -> list[EventDocument]:
    """The first ``count`` public events not over at ``now`` (live ones included), soonest first: the published
    rows read along the index with their live revision's content, merged with those of ``pending``."""
    events = _read_raw(UPCOMING_SQL, _parameters(now, count=count))
    published = _content_documents(events, now, home_zone, wording=wording)
    documents = published + [doc for doc in pending if doc.finished_at > now]
    return sorted(documents, key=lambda doc: (doc.starts_at, doc.event.pk))[:count]


@dataclass
class EventsPage:
    years: list[int]  # the years with past events, newest first
    year: int | None  # the year whose past events are listed
    page: Page | None  # None: a page number past the end
    paginator: Paginator
    documents: list[EventDocument]  # the page's past events
    upcoming: list[EventDocument] | None  # None: not on this page (a year or page was asked for)
    more_upcoming: bool


def events_page(
    now: datetime, *, company: CompanyProfile, year: int | None, number: str | None, upcoming: bool
) -> EventsPage:
    """The events page: the upcoming events when asked, and a page of one year's past events.

    Without a year, the most recent year with past events; a year without past events lists none. A fixed
    number of queries, each bounded by a page or by one year's events, whatever the length of the history.
    """
    wording = Wording()  # the page's language and words, for all its events
    pending = pending_documents(now, company.home_time_zone, wording)
    years = past_event_years(now, company.zone, pending)
    year = year if year is not None else (years[0] if years else None)
    soonest, more = None, False
    if upcoming:
        found = upcoming_documents(now, pending, company.home_time_zone, UPCOMING_SHOWN + 1, wording)
        soonest, more = found[:UPCOMING_SHOWN], len(found) > UPCOMING_SHOWN
    # The year's past events in order (one year's events: a few dozen), paginated here.
    past = past_events_in(now, year, company.zone, pending) if year in years else []
    paginator = Paginator(past, PAST_PAGE_SIZE)
    try:
        page = paginator.page(number or 1)
    except InvalidPage:
        page = None
    documents = []
    if page:
        for read in page.object_list:
            if isinstance(read, Event):  # a published row: its content decoded for the page only
                read.public_content = json.loads(read.public_content)
                documents += _content_documents([read], now, company.home_time_zone, wording=wording)
            else:
                documents.append(read)
    return EventsPage(years, year, page, paginator, documents, soonest, more)


# The events calendar's read as one reviewed statement: the public events (``public_sql``) whose revision the public
# reads (``public_revision_id_sql``) starts at ``since`` or later, narrowed first on the row's own indexed start
# (exact for a published row, whose times are its live revision's; the rows in the workflow are always read), with
# the facts, content and number the calendar writes. tests/investors/test_public_lists.py holds it to the full
# public reading at many moments.
CALENDAR_SQL = f"""
SELECT {", ".join(f"e.{column}" for column in ("id", *EVENT_FACTS))}, r.content AS public_content,
    r.number AS public_number
FROM events_event e
JOIN events_eventrevision r ON r.id = {public_revision_id_sql("e")}
WHERE {public_sql("e")} AND (e.starts_at >= %(since)s OR e.status IN (%(draft)s, %(in_review)s, %(approved)s))
  AND r.starts_at >= %(since)s
ORDER BY r.starts_at, e.id
"""  # noqa: S608 - made of the statement's own parts; every value is a parameter


def calendar_documents(now: datetime, home_zone: str | None = None) -> list[EventDocument]:
    """What the events calendar holds: the events started at most ``CALENDAR_MONTHS_BACK`` months ago and
    every event ahead, in the order they start (``CALENDAR_SQL``)."""
    since = now - relativedelta(months=CALENDAR_MONTHS_BACK)
    events = _read_raw(CALENDAR_SQL, public_sql_parameters(now) | {"since": since})
    return _content_documents(events, now, home_zone or CompanyProfile.load().home_time_zone, numbered=True)


def _read_raw(statement: str, params: dict) -> list[Event]:
    """Events read by a reviewed statement, each with its ``public_content`` decoded (a raw query reads JSON text)."""
    events = list(Event.objects.raw(statement, params))
    for event in events:
        event.public_content = json.loads(event.public_content)
    return events


def upcoming_and_past(documents: list[EventDocument]) -> tuple[list[EventDocument], list[EventDocument]]:
    """Upcoming soonest first; past most recent first."""
    upcoming = sorted((doc for doc in documents if doc.is_upcoming), key=lambda doc: doc.starts_at)
    past = sorted((doc for doc in documents if not doc.is_upcoming), key=lambda doc: doc.starts_at, reverse=True)
    return upcoming, past


INVESTOR_PAGE_EVENTS = 5
# The Investor page's two bounded reads in one statement, each along an index that stops at the first rows it
# needs: the events not over yet that finish first, and the replay windows open now, most recently opened first.
# Each row with the facts and the content of the revision the public reads (``due_approval``: the approved one
# past its embargo and gate, else the live one), and which read it is in (``soonest``).
_LISTED = f"""e.id, e.slug, e.cancelled_at, e.replay_url, e.replay_status, e.replay_days, e.replay_available_at,
    e.replay_expires_at, r.content AS public_content
FROM events_event e
JOIN events_eventrevision r ON r.id = {public_revision_id_sql("e")}
WHERE e.cancelled_at IS NULL AND {public_sql("e")}"""
# Each read is a subquery of its own (SQLite, the embedded default, has no parenthesised member of a UNION).
INVESTOR_PAGE_SQL = f"""
SELECT * FROM (SELECT TRUE AS soonest, {_LISTED} AND COALESCE(e.ends_at, e.starts_at) >= %(now)s
 ORDER BY COALESCE(e.ends_at, e.starts_at), e.id LIMIT %(soonest)s) AS soonest_events
UNION ALL
SELECT * FROM (SELECT FALSE AS soonest, {_LISTED} AND e.replay_available_at <= %(now)s AND e.replay_expires_at > %(now)s
 ORDER BY e.replay_available_at DESC, e.id DESC LIMIT %(replaying)s) AS replays_open
"""  # noqa: S608 - made of the statement's own parts; every value is a parameter


def investor_page_events(now: datetime, *, home_zone: str | None = None) -> dict:
    """For the Investor page: upcoming events with their webcast links (twice as many read as shown, then shown
    soonest first), and the replays available now, in one query (``INVESTOR_PAGE_SQL``)."""
    home_zone = home_zone or CompanyProfile.load().home_time_zone
    params = public_sql_parameters(now) | {"soonest": INVESTOR_PAGE_EVENTS * 2, "replaying": INVESTOR_PAGE_EVENTS}
    read = {True: [], False: []}
    wording = Wording()
    for event in _read_raw(INVESTOR_PAGE_SQL, params):
        content = languages.localized(event.public_content, wording.language)
        document = EventDocument(event, content, now=now, home_zone=home_zone, wording=wording)
        if document.starts_at is not None:
            read[event.soonest].append(document)
    upcoming, _ = upcoming_and_past(read[True])
    _, past = upcoming_and_past(read[False])
    return {
        "upcoming_events": upcoming[:INVESTOR_PAGE_EVENTS],
        "replays_now": [doc for doc in past if doc.replay.state == "available"],
    }


def _documents(events, now: datetime, home_zone: str) -> list[EventDocument]:
    documents = [document(event, now=now, home_zone=home_zone) for event in events]
    return [doc for doc in documents if doc is not None and doc.starts_at is not None]


def _content_documents(
    events, now: datetime, home_zone: str, *, numbered: bool = False, wording: Wording | None = None
) -> list[EventDocument]:
    """The documents of public events read with only the public revision's content (``public_content``), not the
    revisions' models; ``numbered``, with its number too (``public_number``); all in one ``wording`` (the active
    language's when not given)."""
    wording = wording or Wording()
    documents = (
        EventDocument(
            event,
            languages.localized(event.public_content, wording.language),
            now=now,
            home_zone=home_zone,
            number=event.public_number if numbered else None,
            wording=wording,
        )
        for event in events
    )
    return [doc for doc in documents if doc.starts_at is not None]


SCHEDULED_FIELDS = ("starts_at", "ends_at", "replay_available_at", "replay_expires_at")


def scheduled_moments(now: datetime) -> list[Moments]:
    """When the public events pages change by themselves after ``now``.

    An approved event's embargo, an event starting or ending (it moves from
    upcoming to past), a replay opening or closing. The public cache keeps no
    copy past it.
    """
    listed = Event.objects.exclude(status=State.WITHDRAWN)
    moments = [Moments(listed.filter(status=State.APPROVED, publish_at__gt=now), "publish_at")]
    return moments + [Moments(listed.filter(**{f"{field}__gt": now}), field) for field in SCHEDULED_FIELDS]
