"""One way to write a time on staff and audit pages: ``{% load company_time %}{{ value|when }}``.

- ``when`` writes company time with the zone's abbreviation (``Dec. 8, 2026, 9:00 am MST``), with the
  seconds where they were set and the month as the company writes it (``company.timefmt``);
- ``when:"date"`` only the date (``Dec. 8, 2026``), of a date or of a time in company time;
- ``when:"clock"`` only its time of day (``9:00 am MST``), where the day is said around it;
- ``when:"utc"`` writes UTC, labelled (``2026-12-08 16:00:00 UTC``), for audit pages;
- ``when:"month"`` the month (``December 2026``), for calendar headings.

Each is a ``<time>`` element carrying the ISO 8601 form. Company time is the
zone ``company.middleware.CompanyTimeZoneMiddleware`` makes current for
signed-in staff. The value is an aware datetime, a date (for ``month``) or an
ISO 8601 string such as a checkpoint's time; an empty value writes nothing.
``company_local`` gives a ``datetime-local`` input its value in company time.
"""

from datetime import UTC, date, datetime

from django import template
from django.utils import timezone
from django.utils.html import format_html

from company.timefmt import clock_with_zone, date_text, datetime_text, month_year, utc_datetime

register = template.Library()

STYLES = ("", "clock", "date", "utc", "month")


def _instant(value) -> datetime | date:
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    if isinstance(value, datetime) and timezone.is_naive(value):
        value = timezone.make_aware(value, UTC)
    return value


@register.filter
def when(value, style: str = ""):
    if style not in STYLES:
        raise ValueError(f"when: unknown style {style!r}; use one of {', '.join(repr(s) for s in STYLES)}")
    if value is None or value == "":
        return ""
    value = _instant(value)
    if style == "month":
        month = timezone.localtime(value) if isinstance(value, datetime) else value
        return format_html('<time datetime="{}">{}</time>', f"{month:%Y-%m}", month_year(month))
    if style == "date":
        day = timezone.localtime(value).date() if isinstance(value, datetime) else value
        return format_html('<time datetime="{}">{}</time>', day.isoformat(), date_text(day))
    if style == "utc":
        return format_html('<time datetime="{}">{}</time>', value.astimezone(UTC).isoformat(), utc_datetime(value))
    local = timezone.localtime(value)
    text = clock_with_zone(local) if style == "clock" else datetime_text(local)
    return format_html('<time datetime="{}">{}</time>', local.isoformat(), text)


@register.filter
def company_local(value) -> str:
    """The value of a ``datetime-local`` input: the wall-clock time in company time, to the minute like every
    date-and-time field of the console (``irportal.forms.LocalDateTimeField``)."""
    return timezone.localtime(value).strftime("%Y-%m-%dT%H:%M") if value else ""
