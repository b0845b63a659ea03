"""Template helpers for the public pages: times in the company's home zone, wire style."""

import zoneinfo
from html import escape

from django import template
from django.utils import timezone
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe

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


@register.simple_tag
def contact_entries(groups, spacing: str):
    """The ``<dt>`` of each audience and a ``<dd>`` per contact (``name, title, organization``, then the phone
    and email as links), in one pass: the Investor page lists every active contact. The contacts are snapshots'
    plain text, escaped as the template escaped them (Python's ``html.escape``, what Django's ``escape`` does to
    text, without its check for lazy text on every value)."""
    spacing = conditional_escape(spacing)
    lines = []
    for label, members in groups:
        lines.append(f"<dt>{conditional_escape(label)}</dt>\n")
        lines.extend(_contact_entry(contact, spacing) for contact in members)
    return mark_safe("".join(lines))  # noqa: S308 - every value is escaped


def _contact_entry(contact: dict, spacing: str) -> str:
    entry = f'<dd class="{spacing}">{escape(contact.get("name", ""))}'
    for key in ("title", "organization"):
        if contact.get(key):
            entry += f", {escape(contact[key])}"
    if phone := contact.get("phone"):
        entry += f'<br><a href="tel:{escape(phone.replace(" ", ""))}">{escape(phone)}</a>'
    if email := contact.get("email"):
        entry += f'<br><a href="mailto:{escape(email)}">{escape(email)}</a>'
    return entry + "</dd>\n"
