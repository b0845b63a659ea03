"""Event times as an IR page prints them: the company's home zone first, the event's own zone beside it.

``dual_time`` gives ``11:00 am EST/9:00 am MST``; zoneinfo supplies the
abbreviation and offset of the very date, so the pair is right on both sides
of a daylight-saving change. Dates are written in the company's style
(``company.timefmt``).
"""

import zoneinfo
from datetime import date, datetime

from django.utils.translation import gettext

from company.timefmt import at, clock_with_zone, date_text, datetime_text, in_french, short_date
from irportal.workflow.models import State


def zone(name: str) -> zoneinfo.ZoneInfo:
    return zoneinfo.ZoneInfo(name)


def weekday_date(value: date, *, french: bool | None = None) -> str:
    """``Tuesday, Dec. 8, 2026`` (or ``Tuesday, December 8, 2026``, as the company writes dates)."""
    return date_text(value, weekday=True, french=french)


# Each function below writes French when ``french`` says so, or in the active language when it is not given: a
# list of events asks the language once (``events.content.Wording``) rather than for every time it writes.


def dual_time(instant: datetime, event_zone: str, home_zone: str, *, french: bool | None = None) -> str:
    """The time in the company's home zone, then in the event's: ``11:00 am EST/9:00 am MST``.

    One zone when both say the same. When the home zone's calendar date
    differs from the event's, the home side says which day it is, e.g.
    ``7:00 pm EST (Dec. 7)/9:00 am JST``.
    """
    french = in_french() if french is None else french
    return _both_zones(instant.astimezone(zone(event_zone)), instant.astimezone(zone(home_zone)), french)


def _both_zones(there: datetime, here: datetime, french: bool) -> str:
    """``dual_time`` of one moment in the event's zone (``there``) and in the home zone (``here``)."""
    if there.utcoffset() == here.utcoffset() and there.tzname() == here.tzname():
        return clock_with_zone(there, french=french)
    home = clock_with_zone(here, french=french)
    if here.date() != there.date():
        home += f" ({short_date(here.date(), french=french)})"
    return f"{home}/{clock_with_zone(there, french=french)}"


def when(instant: datetime, event_zone: str, home_zone: str, *, french: bool | None = None) -> str:
    """``Tuesday, Dec. 8, 2026, 11:00 am EST/9:00 am MST``: the date is the event's local date."""
    french = in_french() if french is None else french
    there = instant.astimezone(zone(event_zone))
    both = _both_zones(there, instant.astimezone(zone(home_zone)), french)
    return at(weekday_date(there.date(), french=french), both, french=french)


def local_date(instant: datetime, zone_name: str, *, french: bool | None = None) -> str:
    """``Dec. 8, 2026``: the date in ``zone_name``."""
    return date_text(instant.astimezone(zone(zone_name)).date(), french=french)


def state(item, now: datetime, home_zone: str) -> str:
    """An event's (or a release's) workflow state as the console names it; approved with an embargo ahead,
    ``Scheduled for`` that second in company time."""
    if item.status == State.APPROVED and item.publish_at and item.publish_at > now:
        return gettext("Scheduled for %(when)s") % {"when": datetime_text(item.publish_at.astimezone(zone(home_zone)))}
    return item.get_status_display()
