"""Event times as an IR page prints them: the event's own zone beside the company's home zone.

``dual_time`` gives ``9:00 am MST/11:00 am EST``; zoneinfo supplies the
abbreviation and offset of the very date, so the pair is right on both sides
of a daylight-saving change.
"""

import zoneinfo
from datetime import date, datetime

from company.timefmt import AP_MONTHS, clock


def zone(name: str) -> zoneinfo.ZoneInfo:
    return zoneinfo.ZoneInfo(name)


def clock_with_zone(local: datetime) -> str:
    return f"{clock(local)} {local.tzname()}"


def long_date(value: date) -> str:
    """``Tuesday, December 8, 2026``."""
    return f"{value:%A}, {value:%B} {value.day}, {value.year}"


def wire_date(value: date) -> str:
    """AP style, as wires print it: ``Tuesday, Dec. 8, 2026``."""
    return f"{value:%A}, {AP_MONTHS[value.month - 1]} {value.day}, {value.year}"


def dual_time(instant: datetime, event_zone: str, home_zone: str) -> str:
    """The time in the event's zone and the company's home zone: ``9:00 am MST/11:00 am EST``.

    When the home zone's calendar date differs from the event's, the home
    side says which day it is, e.g. ``9:00 am JST/7:00 pm EST (Dec. 7)``.
    """
    there = instant.astimezone(zone(event_zone))
    here = instant.astimezone(zone(home_zone))
    if there.utcoffset() == here.utcoffset() and there.tzname() == here.tzname():
        return clock_with_zone(there)
    text = f"{clock_with_zone(there)}/{clock_with_zone(here)}"
    if here.date() != there.date():
        text += f" ({AP_MONTHS[here.month - 1]} {here.day})"
    return text


def when(instant: datetime, event_zone: str, home_zone: str) -> str:
    """``Tuesday, December 8, 2026, 9:00 am MST/11:00 am EST``: the date is the event's local date."""
    return f"{long_date(instant.astimezone(zone(event_zone)).date())}, {dual_time(instant, event_zone, home_zone)}"


def local_date(instant: datetime, zone_name: str) -> str:
    return long_date(instant.astimezone(zone(zone_name)).date()).split(", ", 1)[1]
