"""RFC 5545 calendars of public events, made with the icalendar library.

Each VEVENT carries its start and end in the event's own time zone (with the
VTIMEZONE definitions), so a calendar program shows the right local time on
both sides of a daylight-saving change. An event saved without an end gets
``DEFAULT_DURATION`` (the event form says so). A cancelled event keeps its
UID with ``STATUS:CANCELLED`` so subscribers see it cancelled rather than
vanish.
"""

from datetime import datetime, timedelta

from django.conf import settings
from icalendar import Calendar
from icalendar import Event as VEvent

from events import timefmt
from events.content import EventDocument

# How long a calendar entry lasts when the event has no end time.
DEFAULT_DURATION = timedelta(hours=1)


def _uid(document: EventDocument) -> str:
    host = settings.SITE_URL.split("://", 1)[-1].split("/", 1)[0] or "ir-portal"
    return f"event-{document.event.pk}@{host}"


def _description(document: EventDocument) -> str:
    lines = []
    if document.presenter_line:
        lines.append(f"Presenters: {document.presenter_line}")
    if document.show_webcast:
        lines.append(f"Live webcast: {document.webcast_url}")
    replay = document.replay
    if replay.state == "available":
        lines.append(f"Replay: {replay.url} (available until {replay.until})")
    elif replay.state == "expired":
        lines.append(f"Replay expired on {replay.expired_on}")
    if document.description:
        lines.append(document.description)
    return "\n\n".join(lines)


def vevent(document: EventDocument, *, stamp: datetime) -> VEvent:
    zone = timefmt.zone(document.time_zone)
    entry = VEvent()
    entry.add("uid", _uid(document))
    entry.add("dtstamp", stamp)
    entry.add("sequence", document.event.live_revision.number if document.event.live_revision_id else 0)
    entry.add("summary", document.heading if not document.cancelled else f"Cancelled: {document.heading}")
    entry.add("dtstart", document.starts_at.astimezone(zone))
    entry.add("dtend", (document.ends_at or document.starts_at + DEFAULT_DURATION).astimezone(zone))
    if document.location:
        entry.add("location", document.location)
    entry.add("url", settings.SITE_URL.rstrip("/") + document.url)
    entry.add("description", _description(document))
    entry.add("status", "CANCELLED" if document.cancelled else "CONFIRMED")
    return entry


def calendar_bytes(documents: list[EventDocument], *, name: str, now: datetime) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", "-//IR Portal//Investor events//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    for document in documents:
        if document.starts_at is not None:
            calendar.add_component(vevent(document, stamp=now))
    calendar.add_missing_timezones()
    return calendar.to_ical()
