"""Reads of the imported filings for the public pages, each a fixed number of queries whatever the count."""

from dataclasses import dataclass
from datetime import date

from django.core.paginator import InvalidPage, Page, Paginator
from django.db.models import Max, Min

from filings.edgar import plain_words
from filings.groups import FormGroup
from filings.models import Filing, FilingExhibit
from filings.services import CURRENT_REPORTS

PAGE_SIZE = 25
LATEST_COUNT = 5
FEED_SIZE = 50


def company_filings(cik: str, group: str = ""):
    filings = Filing.objects.filter(cik=cik)
    return filings.filter(form_group=group) if group else filings


def filing_years(cik: str, group: str = "") -> list[int]:
    """Every year from the newest filing's to the oldest's, newest first: two ends of an index, not a scan."""
    ends = company_filings(cik, group).aggregate(first=Min("filing_date"), last=Max("filing_date"))
    if ends["first"] is None:
        return []
    return list(range(ends["last"].year, ends["first"].year - 1, -1))


@dataclass
class FilingsPage:
    page: Page | None  # None: a page number past the end
    paginator: Paginator
    years: list[int]


def filings_page(cik: str, *, group: str, year: int | None, number: str | None) -> FilingsPage:
    filings = company_filings(cik, group)
    years = filing_years(cik, group)
    if year is not None:
        filings = filings.filter(filing_date__gte=date(year, 1, 1), filing_date__lte=date(year, 12, 31))
    paginator = Paginator(filings.order_by("-filing_date", "-accession_number"), PAGE_SIZE)
    try:
        page = paginator.page(number or 1)
    except InvalidPage:
        page = None
    return FilingsPage(page, paginator, years)


# The newest filings of a company (the Investor page's and the feed's), read as one plain statement along the index
# ``filing_cik_date`` (the ORM took longer to build the query than the database takes to run it).
# tests/investors/test_filings.py holds it to the ORM's reading.
LATEST_SQL = """SELECT * FROM filings_filing WHERE cik = %(cik)s
ORDER BY filing_date DESC, accession_number DESC
LIMIT %(count)s"""


def latest_filings(cik: str, count: int = LATEST_COUNT) -> list[Filing]:
    """The ``count`` newest filings of ``cik``, in one query (``LATEST_SQL``)."""
    return list(Filing.objects.raw(LATEST_SQL, {"cik": cik, "count": count}))


def feed_filings(cik: str) -> list[Filing]:
    return latest_filings(cik, FEED_SIZE)


def group_label(group: str) -> str:
    return FormGroup(group).label if group in FormGroup.values else ""


def carrying_report(cik: str, day: date, headline: str) -> Filing | None:
    """The current report (8-K) that carried a press release as an exhibit, if one was filed on ``day``.

    How it is known: EDGAR lists each document of a filing with its type on the filing's index page; a
    current report furnishes a press release as Exhibit 99 (``EX-99.1``, sometimes ``EX-99.2``). The import
    keeps the opening text of those exhibits, and a release was carried by the 8-K filed the day it became
    public whose Exhibit 99 contains its headline (compared as plain words: case, spacing, quotes and
    dashes aside). A date alone would link every release of a busy day to that day's 8-K.
    """
    wanted = plain_words(headline)
    exhibits = (
        FilingExhibit.objects.filter(filing__cik=cik, filing__form__in=CURRENT_REPORTS, filing__filing_date=day)
        .select_related("filing")
        .order_by("filing__accession_number", "sequence")
    )
    for exhibit in exhibits:
        if wanted and wanted in plain_words(exhibit.text):
            return exhibit.filing
    return None
