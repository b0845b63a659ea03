"""One way to write a time on staff and audit pages: ``{% load company_time %}{{ value|when }}``.

``when`` writes company time with the zone's abbreviation ("Dec. 8, 2026,
9:00 am MST"), ``when:"clock"`` only its time of day ("9:00 am MST", where
the day is said around it); ``when:"utc"`` writes UTC, labelled
("2026-12-08 16:00:00 UTC"). Both in a ``<time>`` element carrying the ISO 8601 instant. Company
time is the zone ``company.middleware.CompanyTimeZoneMiddleware`` makes
current for signed-in staff.
"""

from datetime import UTC

from django import template
from django.utils import timezone
from django.utils.html import format_html

register = template.Library()

AP_MONTHS = ["Jan.", "Feb.", "March", "April", "May", "June", "July", "Aug.", "Sept.", "Oct.", "Nov.", "Dec."]


@register.filter
def when(value, style: str = ""):
    if value is None or value == "":
        return ""
    if style == "utc":
        text = value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
    else:
        local = timezone.localtime(value)
        hour = local.hour % 12 or 12
        clock = f"{hour}:{local.minute:02d} {'am' if local.hour < 12 else 'pm'} {local.tzname()}"
        text = clock if style == "clock" else f"{AP_MONTHS[local.month - 1]} {local.day}, {local.year}, {clock}"
    return format_html('<time datetime="{}">{}</time>', value.isoformat(), text)


@register.filter
def company_local(value) -> str:
    """The value of a ``datetime-local`` input: the wall-clock time in company time, to the second."""
    return timezone.localtime(value).strftime("%Y-%m-%dT%H:%M:%S") if value else ""
