from django.contrib.sitemaps import Sitemap
from django.urls import reverse
from django.utils import timezone

from irportal.workflow.models import PUBLIC_STATE_FIELDS
from releases.models import Release
from reports.selectors import sitemap_documents


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
        return ["investors:home", "news:list", "investors:financials", "investors:reports", "investors:presentations"]

    def location(self, name):
        return reverse(name)


class DocumentsSitemap(Sitemap):
    changefreq = "never"
    priority = 0.6

    def items(self):
        return sitemap_documents(timezone.now())

    def lastmod(self, document):
        return document.public_changed_at(timezone.now())
