"""The public site's sections, in the order investor sites use, each shown only when it has something to show.

Overview, news, events and presentations, financials, filings, stock,
governance, email alerts, contacts. Whether each has content is asked in one
query (``company.selectors.sections_present``: an ``EXISTS`` per section),
whatever the number of releases, events, documents or filings, read with the
company profile (``profile_with_sections``). The answer is part of every
public page; the public cache keeps it for its generation until the next
scheduled change (``investors.cache.Reading``), like the pages themselves, so
that a page rendered after the first one of a generation does not ask again.
"""

from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache

from django.conf import settings
from django.db.models import Subquery
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.translation import get_language, pgettext
from django.utils.translation import gettext as _

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
    documents = reports.public(now, "public_kind")
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
    """The company profile, read for a public page together with what the navigation needs (one query): the names
    of the sections with something to show are ``profile.public_section_names``."""
    checks = _checks(now)
    profile = CompanyProfile.objects.filter(pk=CompanyProfile.SINGLETON_PK).annotate(**section_flags(checks)).first()
    if profile is None:  # a new site, before its profile is saved
        profile = CompanyProfile.load()
        profile.public_section_names = frozenset(sections_present(checks))
    else:
        profile.public_section_names = frozenset(name for name in checks if getattr(profile, f"has_{name}", False))
    return profile


def present_sections(now: datetime, company: CompanyProfile | None = None) -> set[str]:
    """The names of the sections (and of the stock and governance pages: ``stock:dividends``) with something to
    show: from ``company`` when ``profile_with_sections`` (or the public cache) gave it them, else in one query."""
    present = getattr(company, "public_section_names", None)
    return set(present) if present is not None else sections_present(_checks(now))


def pages_of(present: set[str], section: str) -> set[str]:
    """The pages of ``section`` (``stock``, ``governance``) among ``present_sections``: ``{"dividends", ...}``."""
    return {name.removeprefix(f"{section}:") for name in present if name.startswith(f"{section}:")}


def public_sections(now: datetime, company: CompanyProfile | None = None) -> list[Section]:
    """The sections of the public navigation, in order, each with the address it opens at (``present_sections``)."""
    present = present_sections(now, company)
    where = (get_language(), get_script_prefix(), get_urlconf(settings.ROOT_URLCONF))

    def address_of(name: str) -> str:
        return _address(name, *where)

    sections = [Section("overview", _("Investors"), address_of("investors:home"))]
    if "news" in present:
        sections.append(Section("news", pgettext("public navigation", "News"), address_of("news:list")))
    if "events" in present or "presentations" in present:
        first = "events:list" if "events" in present else "investors:presentations"
        sections.append(Section("events", _("Events & presentations"), address_of(first)))
    if "financials" in present:
        sections.append(Section("financials", _("Financials"), address_of("investors:financials")))
    if "filings" in present:
        sections.append(Section("filings", _("Filings"), address_of("filings:list")))
    stock_pages = [name for name in STOCK_PAGES if name in pages_of(present, "stock")]
    if stock_pages:
        sections.append(Section("stock", pgettext("public navigation", "Stock"), address_of(f"stock:{stock_pages[0]}")))
    governance_pages = governance.sections(pages_of(present, "governance"))
    if governance_pages:
        sections.append(Section("governance", _("Governance"), address_of(f"governance:{governance_pages[0]}")))
    sections.append(Section("alerts", _("Email alerts"), address_of("alerts:subscribe")))
    if "contacts" in present:
        sections.append(Section("contacts", _("Contacts"), address_of("investors:home") + "#contacts"))
    return sections


def address(name: str) -> str:
    """The address of the page ``name``, which takes no arguments, in the active language (``_address``): the
    navigation's, and the links every public page's frame carries (the feed, the calendar, the alerts)."""
    return _address(name, get_language(), get_script_prefix(), get_urlconf(settings.ROOT_URLCONF))


@lru_cache(maxsize=128)
def _address(name: str, language: str | None, script_prefix: str, urlconf: str) -> str:
    """The address of the page ``name`` (``reverse``): the same for the life of the process in one language, under
    one script prefix and URL configuration, so every page's navigation reverses each of its addresses once."""
    return reverse(name)
