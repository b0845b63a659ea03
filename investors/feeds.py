from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Rss201rev2Feed
from django.utils.html import strip_tags

from company.models import CompanyProfile
from releases.models import Release
from releases.selectors import public_documents

FEED_SIZE = 50


class NewsFeed(Feed):
    """RSS 2.0 of the published releases, newest first."""

    feed_type = Rss201rev2Feed

    def get_object(self, request, *args, **kwargs):
        return CompanyProfile.load()

    def title(self, company):
        return f"{company.legal_name}: news releases"

    def link(self):
        return reverse("news:list")

    def description(self, company):
        return f"Press releases of {company.listing}"

    def items(self):
        now = timezone.now()
        return public_documents(Release.objects.public_newest_first(now).values_list("pk", flat=True)[:FEED_SIZE], now)

    def item_title(self, document):
        return document.headline

    def item_description(self, document):
        return document.subheadline or strip_tags(document.body)[:500]

    def item_link(self, document):
        return document.release.get_absolute_url()

    def item_guid(self, document):
        return document.release.get_absolute_url()

    def item_pubdate(self, document):
        return document.release.public_since

    def item_updateddate(self, document):
        return document.release.last_published_at
