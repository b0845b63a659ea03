"""One way to write a time, everywhere: the company's convention, chosen once in its profile.

``Dec. 8, 2026, 9:00 am MST`` (AP style, as wires print it) or ``December 8,
2026, 9:00 am MST`` (the month written out): the profile's ``date_style``.
Releases, public pages, feeds, calendars, mails and the console all write
dates and times through these functions. A time is never bare: it carries
the abbreviation of its zone on that very date. Seconds are written where
they were set (``12:17:08 am``), never added where they were not.

The style in force is the one ``activate`` made current, as Django makes a
time zone current: ``company.middleware`` does it for every request with the
profile's (read only when a date is written), and code outside a request
wraps its work in ``override(profile.date_style)``. With none active, AP
style is written.
"""

from collections.abc import Callable
from contextlib import contextmanager
from datetime import UTC, date, datetime

from asgiref.local import Local

AP = "ap"
LONG = "long"
AP_MONTHS = ["Jan.", "Feb.", "March", "April", "May", "June", "July", "Aug.", "Sept.", "Oct.", "Nov.", "Dec."]
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December"]  # fmt: skip
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]

_active = Local()


def activate(style: str | Callable[[], str]) -> None:
    """Make ``style`` (or what the callable answers, asked when a date is first written) the current style."""
    _active.style = style


def deactivate() -> None:
    if hasattr(_active, "style"):
        del _active.style


@contextmanager
def override(style: str):
    previous = getattr(_active, "style", None)
    _active.style = style
    try:
        yield
    finally:
        if previous is None:
            deactivate()
        else:
            _active.style = previous


def current_style() -> str:
    style = getattr(_active, "style", None)
    if callable(style):
        style = _active.style = style()
    return style or AP


def month_name(month: int, style: str | None = None) -> str:
    return (MONTHS if (style or current_style()) == LONG else AP_MONTHS)[month - 1]


def clock(value) -> str:
    """``9:00 am``, ``4:05 pm``, ``12:17:08 am``: twelve-hour clock, lower-case, seconds only where set."""
    hour = value.hour % 12 or 12
    seconds = f":{value.second:02d}" if value.second else ""
    return f"{hour}:{value.minute:02d}{seconds} {'am' if value.hour < 12 else 'pm'}"


def clock_with_zone(local: datetime) -> str:
    """``9:00 am MST``: an aware time in the zone it is already in."""
    return f"{clock(local)} {local.tzname()}"


def date_text(value: date, *, weekday: bool = False, style: str | None = None) -> str:
    """``Dec. 8, 2026`` or ``December 8, 2026``; with ``weekday``, ``Tuesday, Dec. 8, 2026``."""
    text = f"{month_name(value.month, style)} {value.day}, {value.year}"
    return f"{WEEKDAYS[value.weekday()]}, {text}" if weekday else text


def short_date(value: date, *, style: str | None = None) -> str:
    """``Dec. 7`` or ``December 7``: a day named beside a full date."""
    return f"{month_name(value.month, style)} {value.day}"


def datetime_text(local: datetime, *, weekday: bool = False) -> str:
    """``Dec. 8, 2026, 9:00 am MST``: an aware time in the zone it is already in."""
    return f"{date_text(local.date(), weekday=weekday)}, {clock_with_zone(local)}"


def utc_datetime(value: datetime) -> str:
    """``2026-12-08 16:00:00 UTC``: the audit log's form."""
    return f"{value.astimezone(UTC):%Y-%m-%d %H:%M:%S} UTC"
