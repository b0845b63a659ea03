"""The sitemap: an index (``/sitemap.xml``) of sections, each section in pages of at most ``PAGE_SIZE`` addresses.

Each section is there in every disclosure language, at the section's address in that language
(``/sitemap-news.xml``, ``/fr/sitemap-news.xml``), listing that language's addresses; with more than one
language, each address names its versions in every language (``hreflang`` alternates, the primary as
``x-default``), as Django's sitemaps do with ``alternates`` and ``x_default``.

A section's pages go newest first by blocks of ids: page ``n`` (``/sitemap-news.xml?p=n``) holds the public
items whose id is among the ``n``-th ``PAGE_SIZE`` ids counted down from the section's newest public item.
The index reads one end of the id index per section to know how many pages there are, and a page reads that
end and one block of the index. Nothing counts, skips or reads the whole history, so every page costs the
same at any size; a block whose items are all unpublished (or deleted) gives a short or empty page.
"""

import functools
import html

from django.contrib.sitemaps import Sitemap
from django.contrib.sitemaps.views import sitemap
from django.core.paginator import EmptyPage, Page, PageNotAnInteger
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.functional import cached_property
from django.utils.html import escape
from django.utils.safestring import mark_safe

from company.middleware import request_company
from company.models import CompanyProfile
from events.models import Event
from governance.selectors import sections as governance_sections
from investors.navigation import STOCK_PAGES, pages_of, present_sections
from irportal.workflow.languages import disclosure_languages
from irportal.workflow.models import public_changed_moment
from releases.models import Release
from reports.selectors import sitemap_documents

# Addresses per page of a section (the protocol allows 50,000): a page renders in a few milliseconds.
PAGE_SIZE = 250
# What stands for an item's slug in its address until the item's is put in (nothing that escaping changes).
SLUG = "SLUG"


class IdBlockPaginator:
    """What Django's sitemap views ask of a paginator (``num_pages``, ``page(n)``), by blocks of ids."""

    def __init__(self, queryset, per_page: int):
        self.queryset = queryset
        self.per_page = per_page

    @cached_property
    def newest(self) -> int:
        return self.queryset.order_by().aggregate(newest=Max("pk"))["newest"] or 0

    @property
    def num_pages(self) -> int:
        return max(1, -(-self.newest // self.per_page))

    def page(self, number) -> Page:
        try:
            number = int(number)
        except (TypeError, ValueError):
            raise PageNotAnInteger("That page number is not an integer") from None
        if not 1 <= number <= self.num_pages:
            raise EmptyPage("That page contains no results")
        top = self.newest - (number - 1) * self.per_page
        block = self.queryset.filter(pk__gt=top - self.per_page, pk__lte=top)
        return Page(block.order_by("-pk"), number, self)


def _entry_parts(versions: dict[str, str]) -> tuple[str, str]:
    """One ``<url>`` of a section, escaped, before and after its ``<lastmod>``: the address in the current language,
    with its ``versions`` (by language, the primary first) as alternates when there are several."""
    alternates = ""
    if len(versions) > 1:
        alternates = "".join(
            f'<xhtml:link rel="alternate" hreflang="{escape(language)}" href="{escape(address)}"/>'
            for language, address in [*versions.items(), ("x-default", next(iter(versions.values())))]
        )
    return f"<url><loc>{escape(versions[translation.get_language()])}</loc>", f"{alternates}</url>\n"


def url_entry(versions: dict[str, str]) -> str:
    """One ``<url>`` of a section, escaped (``_entry_parts``), without a day. The section's template joins them (a
    page holds up to ``PAGE_SIZE``, and a template loop over as many would take most of the page's time)."""
    head, tail = _entry_parts(versions)
    return mark_safe(head + tail)  # noqa: S308 - escaped in _entry_parts


def _prefix(sitemap: Sitemap, site, protocol) -> str:
    return f"{sitemap.get_protocol(protocol)}://{sitemap.get_domain(site)}"


class LanguageSitemap(Sitemap):
    """A section whose addresses name their versions in every disclosure language, the primary first.

    ``company`` is the request's profile (``request_company``), with the sections the navigation shows when the
    public cache read them; the profile without them when none is given. Only the pages section reads it: the
    sections of items show no navigation, and reading the request's profile would read its sections.
    """

    alternates = True
    x_default = True

    def __init__(self, company: CompanyProfile | None = None):
        self.company = company

    @cached_property
    def languages(self) -> list[str]:
        return disclosure_languages()

    def addresses(self, prefix: str, name: str, *args) -> dict[str, str]:
        """The page ``name`` (with ``args``) in each language, by language."""
        versions = {}
        for language in self.languages:
            with translation.override(language):
                versions[language] = prefix + reverse(name, args=args)
        return versions


class ItemSitemap(LanguageSitemap):
    """A section of public items (``public_items``), paged by blocks of ids, each with the day it went public.

    ``detail`` names the items' page; each address is that page's with the item's slug, built without
    resolving the address once per item.
    """

    limit = PAGE_SIZE
    detail = ""

    def public_items(self, now):
        raise NotImplementedError

    def items(self):
        return self.public_items(timezone.now())

    @property
    def paginator(self):
        return IdBlockPaginator(self.items(), self.limit)

    def get_urls(self, page=1, site=None, protocol=None):
        # Every entry of the page is the same but for the item's slug and day: escaped once, the slug put in.
        head, tail = _entry_parts(self.addresses(_prefix(self, site, protocol), self.detail, SLUG))
        now = timezone.now()
        zone = timezone.get_current_timezone()
        entries = []
        # The slug and the moment each went public (``public_changed_moment``), without making the items.
        rows = self.paginator.page(page).object_list.values_list("slug", public_changed_moment(now))
        for slug, changed in rows:
            # Python's html.escape: what Django's escape does to text, without its check for lazy text.
            slug = html.escape(slug)
            day = f"<lastmod>{changed.astimezone(zone).date()}</lastmod>" if changed is not None else ""
            entries.append(f"{head.replace(SLUG, slug)}{day}{tail.replace(SLUG, slug)}")
        # The page's entries as one string, which the section's template writes as it is.
        return [mark_safe("".join(entries))]  # noqa: S308 - escaped in _entry_parts, the slugs here

    def get_latest_lastmod(self):
        # The index names no date for a section: it would have to read every item of it.
        return None


class NewsSitemap(ItemSitemap):
    detail = "news:detail"

    def public_items(self, now):
        return Release.objects.public(now)


class EventsSitemap(ItemSitemap):
    detail = "events:detail"

    def public_items(self, now):
        return Event.objects.public(now)


class DocumentsSitemap(ItemSitemap):
    detail = "documents:detail"

    def public_items(self, now):
        return sitemap_documents(now)


class InvestorPagesSitemap(LanguageSitemap):
    def items(self):
        now = timezone.now()
        company = self.company if self.company is not None else CompanyProfile.load()
        present = present_sections(now, company)
        pages = [
            "investors:home",
            "news:list",
            "events:list",
            "investors:financials",
            "investors:reports",
            "investors:presentations",
        ]
        if company.cik:
            pages.append("filings:list")
        stock = pages_of(present, "stock")
        pages += [f"stock:{name}" for name in STOCK_PAGES if name in stock]
        pages += [f"governance:{name}" for name in governance_sections(pages_of(present, "governance"))]
        return pages

    def get_urls(self, page=1, site=None, protocol=None):
        prefix = _prefix(self, site, protocol)
        return [url_entry(self.addresses(prefix, name)) for name in self.paginator.page(page).object_list]


# The sections of the index, in its order: another section is one more entry.
SECTIONS = {
    "pages": InvestorPagesSitemap,
    "news": NewsSitemap,
    "events": EventsSitemap,
    "documents": DocumentsSitemap,
}


def request_sections(request) -> dict[str, functools.partial]:
    """The sections of the index, each made with the request's profile (``LanguageSitemap``)."""
    company = request_company(request)
    return {name: functools.partial(section, company) for name, section in SECTIONS.items()}


def section_page(request, section: str):
    """A page of a section (``/sitemap-news.xml?p=2``), as Django's sitemap view writes it."""
    return sitemap(request, request_sections(request), section, template_name="public/sitemap.xml")
