"""Template helpers for the public pages: times in the company's home zone, wire style."""

import zoneinfo
from html import escape

from django import template
from django.template.defaultfilters import urlencode
from django.utils import timezone
from django.utils.html import conditional_escape as esc
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from company.models import CompanyProfile
from company.timefmt import date_text, datetime_text
from investors import navigation

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


@register.simple_tag(takes_context=True)
def news_items(context, documents):
    """A ``<li>`` per release of the news archive: when it became public (as ``public_time`` writes it), its
    headline linking to its page, its subheadline; in one pass, every value escaped as the template escaped it."""
    company = context.get("company")
    zone = zoneinfo.ZoneInfo(getattr(company, "home_time_zone", None) or CompanyProfile.load().home_time_zone)
    return mark_safe("".join(_news_item(document, zone) for document in documents))  # noqa: S308 - escaped


@register.simple_tag(takes_context=True)
def latest_news_items(context, documents):
    """A ``<li>`` per release of the Investor page's latest news: when it became public (as ``public_time`` writes
    it) and its headline linking to its page; in one pass, every value escaped as the template escaped it."""
    company = context.get("company")
    zone = zoneinfo.ZoneInfo(getattr(company, "home_time_zone", None) or CompanyProfile.load().home_time_zone)
    items = [
        f'\n          <li class="mb-3"><span class="small text-body-secondary d-block">'
        f"{_time_element(document.release.public_since, zone)}</span>"
        f'<a href="{esc(document.url)}">{esc(document.headline)}</a></li>\n        '
        for document in documents
    ]
    return mark_safe("".join(items))  # noqa: S308 - every value is escaped


@register.simple_tag
def latest_filing_items(filings):
    """A ``<li>`` per filing of the Investor page's latest: the day it was filed (as ``public_date`` writes it),
    its form and title linking to its document on EDGAR; in one pass, every value escaped as the template escaped
    it."""
    items = []
    for filing in filings:
        title = f": {esc(filing.title)}" if filing.title else ""
        items.append(
            f'<li class="mb-2"><span class="small text-body-secondary d-block">{public_date(filing.filing_date)}'
            f'</span><a href="{esc(filing.document_url)}" rel="external">{esc(filing.form)}{title}</a></li>'
        )
    return mark_safe("".join(items))  # noqa: S308 - every value is escaped


@register.simple_tag
def year_links(years, year: str, q: str):
    """A ``<li>`` per year of the news archive, newest first: the link to that year's list (keeping the search),
    the year shown marked as the current page; in one pass, escaped as the template escaped it."""
    search = f"&amp;q={esc(urlencode(q))}" if q else ""
    links = []
    for shown in years:
        active, current = (" active", ' aria-current="page"') if year == str(shown) else ("", "")
        links.append(
            f'<li class="nav-item"><a class="nav-link{active}" href="?year={esc(shown)}{search}"{current}>'
            f"{esc(shown)}</a></li>"
        )
    return mark_safe("".join(links))  # noqa: S308 - every value is escaped


def _time_element(value, zone) -> str:
    """``public_time``'s ``<time>`` element, for a zone looked up once for a list."""
    if value is None:
        return ""
    return f'<time datetime="{esc(value.isoformat())}">{esc(datetime_text(value.astimezone(zone)))}</time>'


def _news_item(document, zone) -> str:
    when = _time_element(document.release.public_since, zone)
    subheadline = f'<p class="mb-0">{esc(document.subheadline)}</p>' if document.subheadline else ""
    return (
        f'\n    <li class="mb-3">\n      <p class="small text-body-secondary mb-0">{when}</p>\n'
        f'      <h2 class="h5 mb-0"><a href="{esc(document.url)}">{esc(document.headline)}</a></h2>\n'
        f"      {subheadline}\n    </li>\n  "
    )


@register.simple_tag
def public_date(value):
    """A ``<time>`` element for a day: ``Feb. 24, 2026``, ISO 8601 in the markup (digits and dashes), the day's text
    escaped with Python's html.escape (pages write dozens of days in a table)."""
    if value is None:
        return ""
    return mark_safe(f'<time datetime="{value.isoformat()}">{escape(date_text(value))}</time>')  # noqa: S308


@register.simple_tag
def navigation_items(sections, path: str):
    """A ``<li>`` per section of the public navigation (``investors.navigation.public_sections``), the one at
    ``path`` marked as the current page; in one pass, every value escaped as the template escaped it."""
    items = []
    for section in sections:
        current = ' aria-current="page"' if section.url == path else ""
        items.append(
            f'\n        <li class="nav-item"><a class="nav-link" href="{esc(section.url)}"{current}>'
            f"{esc(section.label)}</a></li>\n        "
        )
    return mark_safe("".join(items))  # noqa: S308 - every value is escaped


@register.simple_tag
def alternates(versions):
    """A ``<link rel="alternate">`` per language version of the page (``investors.languages.page_versions``), then
    the primary's as ``x-default``; in one pass, every value escaped as the template escaped it."""
    links = [
        f'<link rel="alternate" hreflang="{esc(version.language)}" href="{esc(version.absolute_url)}">\n  '
        for version in versions
    ]
    if links:
        links.append(f'<link rel="alternate" hreflang="x-default" href="{esc(versions[0].absolute_url)}">')
    return mark_safe("".join(links))  # noqa: S308 - every value is escaped


@register.simple_tag
def language_switch(versions):
    """A link to each other language version of the page, in its own language; escaped as the template escaped it."""
    return mark_safe(  # noqa: S308 - every value is escaped
        "".join(
            f'<a class="ir-language no-print" href="{esc(version.url)}" lang="{esc(version.language)}" '
            f'hreflang="{esc(version.language)}" data-testid="language-switch">{esc(version.name)}</a>'
            for version in versions
            if not version.current
        )
    )


@register.simple_tag
def address(name: str) -> str:
    """``{% url name %}`` for a page that takes no arguments, reversed once per language
    (``investors.navigation.address``): every public page links to the same few in its frame."""
    return navigation.address(name)


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
    spacing = esc(spacing)
    lines = []
    for label, members in groups:
        lines.append(f"<dt>{esc(label)}</dt>\n")
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
