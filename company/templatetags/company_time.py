"""One way to write a time on staff and audit pages: ``{% load company_time %}``.

- ``{{ value|when }}``: ``Dec. 8, 2026, 9:00 am MST``, in the company's home zone (staff pages);
- ``{{ value|when:"utc" }}``: ``2026-12-08 16:00:00 UTC`` (audit pages);
- ``{{ value|when:"month" }}``: ``December 2026`` (calendar headings).

Each is a ``<time>`` element whose ``datetime`` attribute is the ISO 8601
form; the written time always names its zone. The value is an aware
datetime, a date (for ``month``) or an ISO 8601 string, such as a checkpoint's
time; an empty value writes nothing.
"""

from datetime import UTC, date, datetime

from django import template
from django.utils import timezone
from django.utils.html import format_html

from company.timefmt import company_zone, utc_datetime, wire_datetime

register = template.Library()

STYLES = ("company", "utc", "month")


def _instant(value) -> datetime | date:
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    if isinstance(value, datetime) and timezone.is_naive(value):
        value = timezone.make_aware(value, UTC)
    return value


@register.filter
def when(value, style: str = "company"):
    if style not in STYLES:
        raise ValueError(f"when: unknown style {style!r}; use one of {', '.join(STYLES)}")
    if value is None or value == "":
        return ""
    value = _instant(value)
    if style == "month":
        month = value.astimezone(company_zone()) if isinstance(value, datetime) else value
        return format_html('<time datetime="{}">{}</time>', f"{month:%Y-%m}", f"{month:%B %Y}")
    if style == "utc":
        return format_html('<time datetime="{}">{}</time>', value.astimezone(UTC).isoformat(), utc_datetime(value))
    local = value.astimezone(company_zone())
    return format_html('<time datetime="{}">{}</time>', local.isoformat(), wire_datetime(local))
