"""Times written the way an IR team reads them: AP style as wires print it, or UTC for the audit log.

``Dec. 8, 2026, 9:00 am MST``: always with the zone's abbreviation of that
very date, so a time is never bare.
"""

from datetime import UTC, date, datetime

AP_MONTHS = ["Jan.", "Feb.", "March", "April", "May", "June", "July", "Aug.", "Sept.", "Oct.", "Nov.", "Dec."]


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
