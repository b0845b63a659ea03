"""The public site's sections, in the order investor sites use, each shown only when it has something to show.

Overview, news, events and presentations, financials, filings, stock,
governance, email alerts, contacts. Whether each has content is asked in one
query (``company.selectors.sections_present``: an ``EXISTS`` per section),
whatever the number of releases, events, documents or filings; the answer
is part of every public page, which the public cache keeps whole and drops at
every change the pages show.
"""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Subquery
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from company.models import CompanyProfile
from company.selectors import section_flags, sections_present
from events.selectors import public_events
from filings.models import Filing
from governance import selectors as governance
from releases.models import MediaContact, Release
from reports import selectors as reports
from stock import selectors as stock

STOCK_PAGES = ("overview", "dividends", "analysts")


@dataclass(frozen=True)
class Section:
    name: str
    label: str
    url: str


def _checks(now: datetime) -> dict:
    documents = reports.public(now)
    cik = CompanyProfile.objects.filter(pk=CompanyProfile.SINGLETON_PK).exclude(cik="").values("cik")[:1]
    return {
        "news": [Release.objects.public(now)],
        "events": [public_events(now)],
        "presentations": [documents.filter(public_kind=reports.Kind.PRESENTATION)],
        "financials": [documents.filter(public_kind__in=reports.FINANCIAL_KINDS)],
        "filings": [Filing.objects.filter(cik=Subquery(cik))],
        "contacts": [MediaContact.objects.filter(is_active=True)],
        **{f"stock:{name}": querysets for name, querysets in stock.section_checks(now).items()},
        **{f"governance:{name}": querysets for name, querysets in governance.section_checks(now).items()},
    }


def profile_with_sections(now: datetime) -> CompanyProfile:
    """The company profile, read for a public page together with what the navigation needs (one query)."""
    profile = CompanyProfile.objects.filter(pk=CompanyProfile.SINGLETON_PK).annotate(**section_flags(_checks(now)))
    return profile.first() or CompanyProfile.load()


def public_sections(now: datetime, company: CompanyProfile | None = None) -> list[Section]:
    """The sections of the public navigation, in order, each with the address it opens at: read with ``company``
    when ``profile_with_sections`` gave it, else in one query."""
    present = sections_present(_checks(now), company)
    sections = [Section("overview", _("Investors"), reverse("investors:home"))]
    if "news" in present:
        sections.append(Section("news", pgettext("public navigation", "News"), reverse("news:list")))
    if "events" in present or "presentations" in present:
        first = "events:list" if "events" in present else "investors:presentations"
        sections.append(Section("events", _("Events & presentations"), reverse(first)))
    if "financials" in present:
        sections.append(Section("financials", _("Financials"), reverse("investors:financials")))
    if "filings" in present:
        sections.append(Section("filings", _("Filings"), reverse("filings:list")))
    stock_pages = [name for name in STOCK_PAGES if f"stock:{name}" in present]
    if stock_pages:
        sections.append(Section("stock", pgettext("public navigation", "Stock"), reverse(f"stock:{stock_pages[0]}")))
    governance_pages = governance.sections(
        now, {name.removeprefix("governance:") for name in present if name.startswith("governance:")}
    )
    if governance_pages:
        sections.append(Section("governance", _("Governance"), reverse(f"governance:{governance_pages[0]}")))
    sections.append(Section("alerts", _("Email alerts"), reverse("alerts:subscribe")))
    if "contacts" in present:
        sections.append(Section("contacts", _("Contacts"), reverse("investors:home") + "#contacts"))
    return sections
