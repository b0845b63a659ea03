"""Template helpers for the public pages: times in the company's home zone, wire style."""

import zoneinfo
from html import escape

from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from irportal.addresses import address
from irportal.investors.models import CompanyProfile
from releases.content import AP_MONTHS, clock

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
    text = f"{AP_MONTHS[local.month - 1]} {local.day}, {local.year}, {clock(local)} {local.tzname()}"
    return format_html('<time datetime="{}">{}</time>', value.isoformat(), text)


@register.simple_tag(name="address")
def address_tag(viewname, *args):
    """``{% address 'news:list' %}``: what ``{% url %}`` prints, remembered (see ``irportal.addresses``)."""
    return address(viewname, *args)


@register.simple_tag
def contact_list(groups, spacing="mb-2"):
    """The ``<dt>``/``<dd>`` lines of contacts grouped by audience (``MediaContact.group_by_audience``).

    Written out here rather than as a template loop: the Investor page lists
    every active contact, and this is the longest loop of the busiest page.
    Every value is escaped; the phone number is also a ``tel:`` link.
    """
    lines = []
    for label, members in groups:
        lines.append(f"<dt>{escape(label)}</dt>")
        for contact in members:
            line = ", ".join(escape(contact[part]) for part in ("name", "title", "organization") if contact.get(part))
            if phone := contact.get("phone"):
                line += f'<br><a href="tel:{escape(phone.replace(" ", ""))}">{escape(phone)}</a>'
            if email := contact.get("email"):
                line += f'<br><a href="mailto:{escape(email)}">{escape(email)}</a>'
            lines.append(f'<dd class="{escape(spacing)}">{line}</dd>')
    return mark_safe("\n".join(lines))  # noqa: S308 - every value above is escaped
