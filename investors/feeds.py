"""RSS 2.0 of the published releases."""

from datetime import UTC, datetime, time
from io import StringIO

from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Rss201rev2Feed
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from company.models import CompanyProfile
from filings import selectors as filing_selectors
from filings.groups import FormGroup
from irportal.workflow.languages import primary
from releases.sanitize import plain_text
from releases.selectors import latest_public_documents

FEED_SIZE = 50
DESCRIPTION_CHARS = 500
# The filings' group names, translated when written: each item translates its own group's name only, where
# ``get_form_group_display`` translates every group's name to find it.
GROUP_LABELS = dict(FormGroup.choices)


def in_feed_language(guid: str) -> str:
    """An item's guid in the feed's language: the primary language's as it has always been, another language's
    marked with it (``release-12-20261207T140000Z-fr``), so a reader following both feeds shows both items."""
    language = get_language()
    return guid if language == primary() else f"{guid}-{language}"


def shortened(text: str, limit: int) -> str:
    """At most ``limit`` characters, cut between words (never inside a word or an entity)."""
    if len(text) <= limit:
        return text
    return text[: limit - 1].rsplit(" ", 1)[0] + "…"


class WholeRss(Rss201rev2Feed):
    """RSS 2.0 written in memory and handed to the response in one piece, not element by element in thousands of
    writes; encoded as the XML writer encodes it (what the encoding cannot hold as a character reference)."""

    def write(self, outfile, encoding):
        text = StringIO()
        super().write(text, encoding)
        outfile.write(text.getvalue().encode(encoding, "xmlcharrefreplace"))


class NewsFeed(Feed):
    """RSS 2.0 of the published releases, newest first."""

    feed_type = WholeRss

    def get_object(self, request, *args, **kwargs):
        return CompanyProfile.load()

    def title(self, company):
        return _("%(company)s: news releases") % {"company": company.legal_name}

    def link(self):
        return reverse("news:list")

    def description(self, company):
        return _("Press releases of %(listing)s") % {"listing": company.listing}

    def items(self):
        return latest_public_documents(timezone.now(), FEED_SIZE)

    def item_title(self, document):
        return document.headline

    def item_description(self, document):
        return document.subheadline or shortened(plain_text(document.body), DESCRIPTION_CHARS)

    def item_link(self, document):
        return document.url

    # The guid is an identifier, not the address: the address depends on the host and scheme the feed is
    # read on (and would change with a domain move), and a reader must never see a release twice. The
    # release's id and the moment it first became public are fixed for good.
    item_guid_is_permalink = False

    def item_guid(self, document):
        release = document.release
        return in_feed_language(f"release-{release.pk}-{release.public_since.astimezone(UTC):%Y%m%dT%H%M%SZ}")

    def item_pubdate(self, document):
        return document.release.public_since

    def item_updateddate(self, document):
        return document.published_at


class FilingsFeed(Feed):
    """RSS 2.0 of the company's SEC filings, newest first; 404 without a CIK on the profile."""

    feed_type = WholeRss
    item_guid_is_permalink = False

    def get_object(self, request, *args, **kwargs):
        from investors.views.filings import filing_company

        return filing_company()

    def title(self, company):
        return _("%(company)s: SEC filings") % {"company": company.legal_name}

    def link(self):
        return reverse("filings:list")

    def description(self, company):
        return _("Filings of %(listing)s with the U.S. Securities and Exchange Commission") % {
            "listing": company.listing
        }

    def items(self, company):
        return filing_selectors.feed_filings(company.cik)

    def item_title(self, filing):
        return f"{filing.form}: {filing.title}" if filing.title else filing.form

    def item_description(self, filing):
        return _("%(group)s, filed %(date)s") % {
            "group": GROUP_LABELS.get(filing.form_group, filing.form_group),
            "date": f"{filing.filing_date:%Y-%m-%d}",
        }

    def item_link(self, filing):
        return filing.index_url

    def item_guid(self, filing):
        return in_feed_language(f"sec-filing-{filing.accession_number}")

    def item_pubdate(self, filing):
        return filing.accepted_at or datetime.combine(filing.filing_date, time(), tzinfo=UTC)
