"""Times written the way an IR team reads them, in the company's home zone or in UTC.

AP style as wires print it (``Dec. 8, 2026, 9:00 am MST``), always with the
zone's abbreviation of that very date, so a time is never bare. The company's
zone is read from the profile at most once per request (the middleware in
``company.middleware`` keeps it for the request), so a list of a hundred rows costs one query, not a
hundred.
"""

import contextvars
import zoneinfo
from contextlib import contextmanager
from datetime import UTC, date, datetime

from company.models import CompanyProfile

AP_MONTHS = ["Jan.", "Feb.", "March", "April", "May", "June", "July", "Aug.", "Sept.", "Oct.", "Nov.", "Dec."]

# The company's zone for the request being answered, once a page has asked for it.
_request_zone: contextvars.ContextVar[dict | None] = contextvars.ContextVar("company_zone", default=None)


def clock(value) -> str:
    """``9:00 am``, ``4:05 pm``: twelve-hour clock, lower-case, no leading zero."""
    hour = value.hour % 12 or 12
    return f"{hour}:{value.minute:02d} {'am' if value.hour < 12 else 'pm'}"


def wire_date(value: date) -> str:
    """AP style, as wires print it: ``Sept. 4, 2026``, ``May 12, 2026``."""
    return f"{AP_MONTHS[value.month - 1]} {value.day}, {value.year}"


def wire_datetime(local: datetime) -> str:
    """``Dec. 8, 2026, 9:00 am MST``: an aware time in the zone it is already in."""
    return f"{wire_date(local.date())}, {clock(local)} {local.tzname()}"


def utc_datetime(value: datetime) -> str:
    """``2026-12-08 16:00:00 UTC``: the audit log's form."""
    return f"{value.astimezone(UTC):%Y-%m-%d %H:%M:%S} UTC"


def company_zone() -> zoneinfo.ZoneInfo:
    """The company's home zone: from the request's copy when there is one, else from the profile."""
    memo = _request_zone.get()
    if memo is None:
        return zoneinfo.ZoneInfo(CompanyProfile.load().home_time_zone)
    if "zone" not in memo:
        memo["zone"] = zoneinfo.ZoneInfo(CompanyProfile.load().home_time_zone)
    return memo["zone"]


@contextmanager
def zone_kept_for_request():
    """Within this block the company's zone is read from the profile once, on first use."""
    token = _request_zone.set({})
    try:
        yield
    finally:
        _request_zone.reset(token)
