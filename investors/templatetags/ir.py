"""Template helpers for the public pages: times in the company's home zone, wire style."""

import zoneinfo

from django import template
from django.utils import timezone
from django.utils.html import format_html

from company.models import CompanyProfile
from company.timefmt import date_text, datetime_text

register = template.Library()


def home_time(value, zone_name: str | None = None):
    zone = zoneinfo.ZoneInfo(zone_name or CompanyProfile.load().home_time_zone)
    return value.astimezone(zone)


@register.simple_tag(takes_context=True)
def public_time(context, value):
    """A ``<time>`` element: ``Nov. 30, 2026, 4:05 pm EST`` in the company's zone, ISO 8601 in the markup."""
    if value is None:
        return ""
    company = context.get("company")
    local = home_time(value, getattr(company, "home_time_zone", None))
    return format_html('<time datetime="{}">{}</time>', value.isoformat(), datetime_text(local))


@register.simple_tag
def public_date(value):
    """A ``<time>`` element for a day: ``Feb. 24, 2026``, ISO 8601 in the markup."""
    if value is None:
        return ""
    return format_html('<time datetime="{}">{}</time>', value.isoformat(), date_text(value))


@register.simple_tag
def this_year(company) -> int:
    """The year in the company's time, for the footer's copyright line."""
    return timezone.localdate(timezone=company.zone).year
