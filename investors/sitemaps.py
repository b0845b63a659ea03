from django.contrib.sitemaps import Sitemap
from django.urls import reverse
from django.utils import timezone

from company.models import CompanyProfile
from governance.selectors import sections as governance_sections
from irportal.workflow.models import PUBLIC_STATE_FIELDS
from releases.models import Release
from reports.selectors import sitemap_documents
from stock.selectors import sections


class NewsSitemap(Sitemap):
    changefreq = "never"
    priority = 0.6

    def items(self):
        # Only what the sitemap prints: no revision content, whatever the number of releases.
        return Release.objects.public_newest_first(timezone.now()).only("slug", *PUBLIC_STATE_FIELDS)

    def lastmod(self, release):
        return release.public_changed_at(timezone.now())


class InvestorPagesSitemap(Sitemap):
    changefreq = "daily"
    priority = 0.8

    def items(self):
        pages = ["investors:home", "news:list", "investors:financials", "investors:reports", "investors:presentations"]
        if CompanyProfile.load().cik:
            pages.append("filings:list")
        stock = sections(timezone.now())
        pages += [f"stock:{name}" for name in ("overview", "dividends", "analysts") if name in stock]
        pages += [f"governance:{name}" for name in governance_sections(timezone.now())]
        return pages

    def location(self, name):
        return reverse(name)


class DocumentsSitemap(Sitemap):
    changefreq = "never"
    priority = 0.6

    def items(self):
        return sitemap_documents(timezone.now())

    def lastmod(self, document):
        return document.public_changed_at(timezone.now())
