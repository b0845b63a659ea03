"""RFC 5545 calendars of public events, made with the icalendar library.

Each VEVENT carries its start and end in the event's own time zone (with the
VTIMEZONE definitions), so a calendar program shows the right local time on
both sides of a daylight-saving change. An event saved without an end gets
``DEFAULT_DURATION`` (the event form says so). A cancelled event keeps its
UID with ``STATUS:CANCELLED`` so subscribers see it cancelled rather than
vanish.
"""

import logging
import re
from datetime import datetime, timedelta

from django.conf import settings
from django.utils.translation import gettext
from icalendar import Calendar
from icalendar import Event as VEvent

from events import timefmt
from events.content import EventDocument

# How long a calendar entry lasts when the event has no end time.
DEFAULT_DURATION = timedelta(hours=1)

logger = logging.getLogger(__name__)

# A control character in a calendar line can end the line early and start another (a fake event in every
# subscriber's calendar). Forms take them out on input; this writer refuses any that reach it anyway.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_CONTROL_MULTILINE = re.compile(r"[\x00-\x09\x0b-\x1f\x7f-\x9f]")


class UnsafeCalendarText(ValueError):
    """Text with a control character, which the calendar writer will not write."""


def _text(value: str, *, field: str, multiline: bool = False) -> str:
    if (_CONTROL_MULTILINE if multiline else _CONTROL).search(value):
        raise UnsafeCalendarText(f"the {field} contains a control character")
    return value


def _uid(document: EventDocument) -> str:
    host = settings.SITE_URL.split("://", 1)[-1].split("/", 1)[0] or "ir-portal"
    return f"event-{document.event.pk}@{host}"


def _description(document: EventDocument) -> str:
    """What the entry says besides its title, time and place, in the calendar's language (its address's)."""
    lines = []
    if document.presenter_line:
        presenters = {"label": document.presenter_label, "presenters": document.presenter_line}
        lines.append(gettext("%(label)s: %(presenters)s") % presenters)
    if document.show_webcast:
        lines.append(gettext("Live webcast: %(url)s") % {"url": document.webcast_url})
    replay = document.replay
    if replay.state == "available":
        available = {"url": replay.url, "until": replay.until}
        lines.append(gettext("Replay: %(url)s (available until %(until)s)") % available)
    elif replay.state == "expired":
        lines.append(gettext("Replay expired on %(date)s") % {"date": replay.expired_on})
    if document.description:
        lines.append(document.description)
    return "\n\n".join(lines)


def vevent(document: EventDocument, *, stamp: datetime) -> VEvent:
    zone = timefmt.zone(document.time_zone)
    entry = VEvent()
    entry.add("uid", _uid(document))
    entry.add("dtstamp", stamp)
    # The number of the revision the public reads now: a correction counts from its embargo, swept or not.
    public = document.event.public_revision(document.now)
    entry.add("sequence", public.number if public is not None else 0)
    title = _text(document.heading, field="title")
    entry.add("summary", title if not document.cancelled else gettext("Cancelled: %(title)s") % {"title": title})
    entry.add("dtstart", document.starts_at.astimezone(zone))
    entry.add("dtend", (document.ends_at or document.starts_at + DEFAULT_DURATION).astimezone(zone))
    if document.location:
        entry.add("location", _text(document.location, field="location"))
    entry.add("url", _text(settings.SITE_URL.rstrip("/") + document.url, field="address"))
    entry.add("description", _text(_description(document), field="description", multiline=True))
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
        if document.starts_at is None:
            continue
        try:
            calendar.add_component(vevent(document, stamp=now))
        except UnsafeCalendarText as refused:
            # One bad row must not take every subscriber's calendar down: it is left out, loudly.
            logger.error("event %s left out of the calendar: %s", document.event.pk, refused)
    calendar.add_missing_timezones()
    return calendar.to_ical()
