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

In French (the active language, ``django.utils.translation.get_language()``)
times are written as Canadian French wires write them, with the names of
CLDR's ``fr_CA`` locale (Babel's data): ``11 h 30 HNE``, ``11 décembre 2026``,
``vendredi 11 décembre 2026 à 11 h 30 HNE``; the company's date style does
not apply (French wires never abbreviate months). A date carries no article,
like the English one: the sentence around it says ``le`` as English says
``on``, and a table cell shows the date alone.
"""

from collections.abc import Callable
from contextlib import contextmanager
from datetime import UTC, date, datetime

from asgiref.local import Local
from babel import Locale
from babel.dates import get_timezone_gmt, get_timezone_name
from django.utils import translation

AP = "ap"
LONG = "long"
AP_MONTHS = ["Jan.", "Feb.", "March", "April", "May", "June", "July", "Aug.", "Sept.", "Oct.", "Nov.", "Dec."]
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December"]  # fmt: skip
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]

_active = Local()

# Canadian French: the language of wire releases from Quebec issuers, and of CLDR's names below.
FRENCH = Locale.parse("fr_CA")
# Its names of the months (1-12) and weekdays (0 for Monday), read once: each read of ``FRENCH.months`` or
# ``FRENCH.days`` looks them up again in Babel's data.
FRENCH_MONTHS = dict(FRENCH.months["format"]["wide"])
FRENCH_WEEKDAYS = dict(FRENCH.days["format"]["wide"])
NBSP = "\N{NO-BREAK SPACE}"
# The French abbreviation of each zone at each offset, with or without daylight time, once looked up
# (``_french_zone``).
_FRENCH_ZONES: dict[tuple, str] = {}


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


def in_french() -> bool:
    """Whether the active language is French (``fr``, or a regional ``fr-…``)."""
    return (translation.get_language() or "").split("-")[0] == "fr"


def _french(french: bool | None) -> bool:
    """``french`` as given by a caller that asked once for many times written, else the active language's."""
    return in_french() if french is None else french


def _english_month(month: int, style: str | None) -> str:
    return (MONTHS if (style or current_style()) == LONG else AP_MONTHS)[month - 1]


def clock(value) -> str:
    """``9:00 am``, ``4:05 pm``, ``12:17:08 am``: twelve-hour clock, lower-case, seconds only where set.

    In French, the 24-hour clock of the Office québécois de la langue française: ``9 h``, ``11 h 30``,
    ``0 h 17 min 08 s`` (no zero before the hour, no minutes at the full hour, no-break spaces around ``h``).
    CLDR's ``fr_CA`` pattern (``HH 'h' mm``, ``09 h 00``) is the style of a timetable, not of a wire."""
    return _french_clock(value) if in_french() else _english_clock(value)


def _english_clock(value) -> str:
    hour = value.hour % 12 or 12
    seconds = f":{value.second:02d}" if value.second else ""
    return f"{hour}:{value.minute:02d}{seconds} {'am' if value.hour < 12 else 'pm'}"


def _french_clock(value) -> str:
    if value.second:
        return f"{value.hour}{NBSP}h{NBSP}{value.minute:02d}{NBSP}min{NBSP}{value.second:02d}{NBSP}s"
    return f"{value.hour}{NBSP}h{NBSP}{value.minute:02d}" if value.minute else f"{value.hour}{NBSP}h"


def _french_zone(local: datetime) -> str:
    """The abbreviation of the zone ``local`` is in, on that very date, in French: CLDR's ``fr_CA`` short name of
    the zone's metazone, ``HNE``/``HAE``, ``HNC``/``HAC``, ``HNR``/``HAR``, ``HNP``/``HAP``, ``HNA``/``HAA``,
    ``HNT``/``HAT`` (the Office québécois de la langue française's abbreviations too). CLDR has none for other
    zones (Alaska, Hawaii, Yukon, Europe, Asia): there the offset from UTC is written as the Office writes it,
    ``UTC+9``, ``UTC-3:30``, and ``UTC`` itself.

    Babel's name depends only on the zone, its offset and whether daylight time is in force: each is looked up
    once, not for every time written."""
    key = (local.tzinfo, local.utcoffset(), local.dst())
    if key not in _FRENCH_ZONES:
        _FRENCH_ZONES[key] = _french_zone_looked_up(local)
    return _FRENCH_ZONES[key]


def _french_zone_looked_up(local: datetime) -> str:
    name = get_timezone_name(local, "short", locale=FRENCH)
    if name != get_timezone_gmt(local, "short", locale=FRENCH):
        return name
    minutes = round(local.utcoffset().total_seconds() / 60)
    if minutes == 0:
        return "UTC"
    hours, rest = divmod(abs(minutes), 60)
    return f"UTC{'+' if minutes > 0 else '-'}{hours}" + (f":{rest:02d}" if rest else "")


def clock_with_zone(local: datetime, *, french: bool | None = None) -> str:
    """``9:00 am MST`` (``9 h HNR``): an aware time in the zone it is already in, with the abbreviation of that
    zone on that very date (``_french_zone`` in French; ``french``, when given, says whether to write French)."""
    if _french(french):
        return f"{_french_clock(local)} {_french_zone(local)}"
    return f"{_english_clock(local)} {local.tzname()}"


def _french_day(value: date) -> str:
    """``8``; the first of the month is ``1er``, as the Office québécois de la langue française writes it (CLDR's
    patterns write a bare ``1``)."""
    return "1er" if value.day == 1 else str(value.day)


def date_text(value: date, *, weekday: bool = False, style: str | None = None, french: bool | None = None) -> str:
    """``Dec. 8, 2026`` or ``December 8, 2026``; with ``weekday``, ``Tuesday, Dec. 8, 2026``.

    In French ``8 décembre 2026``, ``1er décembre 2026``; with ``weekday``, ``mardi 8 décembre 2026``."""
    if _french(french):
        text = _french_date(value)
        return f"{FRENCH_WEEKDAYS[value.weekday()]} {text}" if weekday else text
    text = f"{_english_month(value.month, style)} {value.day}, {value.year}"
    return f"{WEEKDAYS[value.weekday()]}, {text}" if weekday else text


def date_writer() -> Callable[[date], str]:
    """``date_text`` for a list of dates: the language and the company's style asked once, not for each date."""
    if in_french():
        return _french_date
    months = MONTHS if current_style() == LONG else AP_MONTHS
    return lambda value: f"{months[value.month - 1]} {value.day}, {value.year}"


def _french_date(value: date) -> str:
    return f"{_french_day(value)} {FRENCH_MONTHS[value.month]} {value.year}"


def short_date(value: date, *, style: str | None = None, french: bool | None = None) -> str:
    """``Dec. 7`` or ``December 7`` (``7 décembre``): a day named beside a full date."""
    if _french(french):
        return f"{_french_day(value)} {FRENCH_MONTHS[value.month]}"
    return f"{_english_month(value.month, style)} {value.day}"


def month_year(value: date) -> str:
    """``December 2026`` (``décembre 2026``): a calendar's heading."""
    return f"{(FRENCH_MONTHS[value.month] if in_french() else MONTHS[value.month - 1])} {value.year}"


def at(day: str, time: str, *, french: bool | None = None) -> str:
    """A written day and a written time of day together: ``Dec. 8, 2026, 9:00 am MST``, or in French
    ``8 décembre 2026 à 9 h HNR``."""
    return f"{day} à {time}" if _french(french) else f"{day}, {time}"


def datetime_text(local: datetime, *, weekday: bool = False) -> str:
    """``Dec. 8, 2026, 9:00 am MST`` (``8 décembre 2026 à 9 h HNR``): an aware time in the zone it is already
    in."""
    return at(date_text(local.date(), weekday=weekday), clock_with_zone(local))


def utc_datetime(value: datetime) -> str:
    """``2026-12-08 16:00:00 UTC``: the audit log's form."""
    return f"{value.astimezone(UTC):%Y-%m-%d %H:%M:%S} UTC"
