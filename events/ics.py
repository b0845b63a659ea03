"""RFC 5545 calendars of public events, written line by line with the icalendar library's escaping, folding
and time zone definitions.

Each VEVENT carries its start and end in the event's own time zone (with the
VTIMEZONE definitions), so a calendar program shows the right local time on
both sides of a daylight-saving change. An event saved without an end gets
``DEFAULT_DURATION`` (the event form says so). A cancelled event keeps its
UID with ``STATUS:CANCELLED`` so subscribers see it cancelled rather than
vanish.

The lines are those icalendar's ``Calendar.to_ical`` writes for the same
properties (its order: the calendar's version, product, scale, method and
name; in each entry the summary, start, end, stamp, UID and sequence, then the
rest alphabetically; the time zones after the entries), without building its
object model for every entry of a calendar a subscriber's program fetches
again and again.
"""

import functools
import logging
import re
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.utils.translation import gettext
from icalendar import Timezone
from icalendar.parser import escape_char, param_value
from icalendar.timezone.tzid import tzid_from_tzinfo

from events import timefmt
from events.content import EventDocument, event_address

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


def _words() -> dict:
    """The entries' words in the calendar's language (its address's), translated once for all its entries."""
    return {
        "cancelled": gettext("Cancelled: %(title)s"),
        "presenters": gettext("%(label)s: %(presenters)s"),
        "webcast": gettext("Live webcast: %(url)s"),
        "replay": gettext("Replay: %(url)s (available until %(until)s)"),
        "expired": gettext("Replay expired on %(date)s"),
    }


def _description(document: EventDocument, words: dict) -> str:
    """What the entry says besides its title, time and place."""
    lines = []
    if presenters := document.presenter_line:
        lines.append(words["presenters"] % {"label": document.presenter_label, "presenters": presenters})
    if document.show_webcast:
        lines.append(words["webcast"] % {"url": document.webcast_url})
    replay = document.replay
    if replay.state == "available":
        lines.append(words["replay"] % {"url": replay.url, "until": replay.until})
    elif replay.state == "expired":
        lines.append(words["expired"] % {"date": replay.expired_on})
    if document.description:
        lines.append(document.description)
    return "\n\n".join(lines)


# RFC 5545 folds content lines longer than 75 octets; icalendar's foldline keeps each piece to 74 (UTF-8).
_FOLD_OCTETS = 74


def fold(line: str) -> str:
    """The line folded as icalendar's ``foldline`` folds it: pieces of at most 74 UTF-8 bytes, never splitting a
    character, joined by CRLF and a space; an ASCII line by slicing, any other by walking its bytes once (not
    encoding it character by character)."""
    if line.isascii():
        if len(line) <= _FOLD_OCTETS:
            return line
        return "\r\n ".join(line[i : i + _FOLD_OCTETS] for i in range(0, len(line), _FOLD_OCTETS))
    data = line.encode()
    if len(data) <= _FOLD_OCTETS:
        return line
    pieces = []
    start = 0
    while len(data) - start > _FOLD_OCTETS:
        cut = start + _FOLD_OCTETS
        while data[cut] & 0xC0 == 0x80:  # a continuation byte: the cut would split a character
            cut -= 1
        pieces.append(data[start:cut])
        start = cut
    pieces.append(data[start:])
    return b"\r\n ".join(pieces).decode()


def _line(name: str, value: str) -> str:
    """A folded content line (``value`` already in its written form)."""
    return fold(f"{name}:{value}")


def _text_line(name: str, value: str) -> str:
    return _line(name, escape_char(value))


@functools.cache
def _tzid(zone_name: str) -> str:
    """The TZID a time in the zone is written with; ``UTC`` for UTC itself (and its other names)."""
    return tzid_from_tzinfo(timefmt.zone(zone_name)) or zone_name


@functools.cache
def _tzid_parameter(tzid: str) -> str:
    return f"TZID={param_value(tzid)}"


def _moment_line(name: str, moment: datetime, tzid: str) -> str:
    """A time as written in its own zone (``TZID=...``), or in UTC with a ``Z``; to the second."""
    written = f"{moment:%Y%m%dT%H%M%S}"
    if tzid == "UTC":
        return _line(name, f"{written}Z")
    return _line(f"{name};{_tzid_parameter(tzid)}", written)


@functools.cache
def _vtimezone(tzid: str) -> bytes:
    """The VTIMEZONE of a zone, as icalendar defines it (empty for a zone it does not know)."""
    try:
        return Timezone.from_tzid(tzid).to_ical()
    except ValueError:
        return b""


def vevent(document: EventDocument, *, stamp: datetime, url: str, words: dict | None = None) -> list[str]:
    """The entry's content lines; ``url`` is the event page's full address, ``words`` the calendar's (``_words``)."""
    words = words or _words()
    zone = timefmt.zone(document.time_zone)
    tzid = _tzid(document.time_zone)
    title = _text(document.heading, field="title")
    lines = [
        "BEGIN:VEVENT",
        _text_line("SUMMARY", title if not document.cancelled else words["cancelled"] % {"title": title}),
        _moment_line("DTSTART", document.starts_at.astimezone(zone), tzid),
        _moment_line("DTEND", (document.ends_at or document.starts_at + DEFAULT_DURATION).astimezone(zone), tzid),
        _moment_line("DTSTAMP", stamp.astimezone(UTC), "UTC"),
        _text_line("UID", _uid(document)),
        # The number of the revision the public reads: a correction counts from its embargo, swept or not.
        _line("SEQUENCE", str(document.number)),
        _text_line("DESCRIPTION", _text(_description(document, words), field="description", multiline=True)),
    ]
    if document.location:
        lines.append(_text_line("LOCATION", _text(document.location, field="location")))
    lines.append(_line("STATUS", "CANCELLED" if document.cancelled else "CONFIRMED"))
    lines.append(_line("URL", _text(url, field="address")))
    lines.append("END:VEVENT")
    return lines


def calendar_bytes(documents: list[EventDocument], *, name: str, now: datetime) -> bytes:
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//IR Portal//Investor events//EN",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        _text_line("X-WR-CALNAME", name),
    ]
    # Each entry's address is the event page's (``EventDocument.url``), reversed once for the calendar.
    site, page = settings.SITE_URL.rstrip("/"), event_address("events:detail")
    words = _words()
    tzids = set()
    for document in documents:
        if document.starts_at is None:
            continue
        try:
            lines += vevent(document, stamp=now, url=site + page(document.event.slug), words=words)
        except UnsafeCalendarText as refused:
            # One bad row must not take every subscriber's calendar down: it is left out, loudly.
            logger.error("event %s left out of the calendar: %s", document.event.pk, refused)
        else:
            tzids.add(_tzid(document.time_zone))
    zones = b"".join(_vtimezone(tzid) for tzid in sorted(tzids - {"UTC"}))
    return "\r\n".join(lines).encode() + b"\r\n" + zones + b"END:VCALENDAR\r\n"
