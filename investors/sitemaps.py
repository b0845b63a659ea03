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

from datetime import datetime

from django.contrib.sitemaps import Sitemap
from django.core.paginator import EmptyPage, Page, PageNotAnInteger
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.functional import cached_property
from django.utils.html import format_html, format_html_join

from company.models import CompanyProfile
from events.models import Event
from governance.selectors import sections as governance_sections
from irportal.workflow.languages import disclosure_languages
from irportal.workflow.models import PUBLIC_STATE_FIELDS
from releases.models import Release
from reports.selectors import sitemap_documents
from stock.selectors import sections

# Addresses per page of a section (the protocol allows 50,000): a page renders in a few milliseconds.
PAGE_SIZE = 250


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


def url_entry(versions: dict[str, str], lastmod: datetime | None = None) -> str:
    """One ``<url>`` of a section, escaped: the address in the current language, with its ``versions`` (by
    language, the primary first) as alternates when there are several. The section's template joins them (a page
    holds up to ``PAGE_SIZE``, and a template loop over as many would take most of the page's time)."""
    day = format_html("<lastmod>{}</lastmod>", timezone.localdate(lastmod)) if lastmod is not None else ""
    alternates = ""
    if len(versions) > 1:
        alternates = format_html_join(
            "",
            '<xhtml:link rel="alternate" hreflang="{}" href="{}"/>',
            [*versions.items(), ("x-default", next(iter(versions.values())))],
        )
    return format_html("<url><loc>{}</loc>{}{}</url>\n", versions[translation.get_language()], day, alternates)


def _prefix(sitemap: Sitemap, site, protocol) -> str:
    return f"{sitemap.get_protocol(protocol)}://{sitemap.get_domain(site)}"


class LanguageSitemap(Sitemap):
    """A section whose addresses name their versions in every disclosure language, the primary first."""

    alternates = True
    x_default = True

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
        addresses = self.addresses(_prefix(self, site, protocol), self.detail, "SLUG").items()
        formats = {language: address.replace("SLUG", "{slug}") for language, address in addresses}
        now = timezone.now()
        return [
            url_entry(
                {language: form.format(slug=item.slug) for language, form in formats.items()},
                item.public_changed_at(now),
            )
            for item in self.paginator.page(page).object_list
        ]

    def get_latest_lastmod(self):
        # The index names no date for a section: it would have to read every item of it.
        return None


class NewsSitemap(ItemSitemap):
    detail = "news:detail"

    def public_items(self, now):
        # Only what the sitemap prints: no revision content.
        return Release.objects.public(now).only("slug", *PUBLIC_STATE_FIELDS)


class EventsSitemap(ItemSitemap):
    detail = "events:detail"

    def public_items(self, now):
        return Event.objects.public(now).only("slug", *PUBLIC_STATE_FIELDS)


class DocumentsSitemap(ItemSitemap):
    detail = "documents:detail"

    def public_items(self, now):
        return sitemap_documents(now)


class InvestorPagesSitemap(LanguageSitemap):
    def items(self):
        pages = [
            "investors:home",
            "news:list",
            "events:list",
            "investors:financials",
            "investors:reports",
            "investors:presentations",
        ]
        if CompanyProfile.load().cik:
            pages.append("filings:list")
        stock = sections(timezone.now())
        pages += [f"stock:{name}" for name in ("overview", "dividends", "analysts") if name in stock]
        pages += [f"governance:{name}" for name in governance_sections(timezone.now())]
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
