"""The public SEC filings: the page by form group and year, the feed, the Investor page, a release's 8-K."""

import datetime as dt
import xml.etree.ElementTree as ET
import zoneinfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from filings.groups import form_group
from filings.models import Filing, FilingExhibit
from filings.selectors import latest_filings
from filings.signals import filings_changed
from tests.filings import edgar_pages
from tests.investors.conftest import publish_now

pytestmark = pytest.mark.django_db

CIK = edgar_pages.CIK


def make_filing(number: int, *, form="8-K", filed=dt.date(2026, 2, 24), **fields) -> Filing:
    return Filing.objects.create(
        cik=fields.pop("cik", CIK),
        accession_number=f"0001990217-26-{number:06d}",
        form=form,
        form_group=form_group(form),
        filing_date=filed,
        primary_document=f"hlvi-{number}.htm",
        **fields,
    )


def many_filings(count: int, start: int = 1000) -> None:
    forms = ["8-K", "4", "10-Q", "DEF 14A", "S-8", "SC 13G"]
    Filing.objects.bulk_create(
        [
            Filing(
                cik=CIK,
                accession_number=f"0001990217-25-{start + number:06d}",
                form=forms[number % len(forms)],
                form_group=form_group(forms[number % len(forms)]),
                filing_date=dt.date(2016, 1, 1) + dt.timedelta(days=number % 3650),
                primary_document="doc.htm",
            )
            for number in range(count)
        ]
    )


@pytest.fixture
def filer(company):
    company.cik = CIK
    company.save()
    return company


def test_without_a_cik_the_section_is_absent(client, company, settings):
    settings.PUBLIC_CACHE = False
    make_filing(1)

    assert client.get("/investors/filings/").status_code == 404
    assert client.get("/investors/filings/feed/").status_code == 404
    home = client.get("/investors/").content.decode()
    assert "/investors/filings/" not in home and "SEC filings" not in home


def test_the_page_lists_the_filings_newest_first_with_their_links(client, filer, settings):
    settings.PUBLIC_CACHE = False
    make_filing(
        1, form="10-K", filed=dt.date(2026, 2, 12), is_xbrl=True, is_inline_xbrl=True, report_date=dt.date(2025, 12, 31)
    )
    make_filing(2, form="8-K", filed=dt.date(2026, 2, 24), description="Results of operations")
    make_filing(3, form="4", filed=dt.date(2025, 5, 1), cik="0000320193")  # another company's

    response = client.get("/investors/filings/")

    assert response.status_code == 200
    rows = [(filing.form, filing.filing_date) for filing in response.context["page"].object_list]
    assert rows == [("8-K", dt.date(2026, 2, 24)), ("10-K", dt.date(2026, 2, 12))]
    page = response.content.decode()
    assert "Results of operations" in page and "Dec. 31, 2025" in page
    assert "/Archives/edgar/data/1990217/000199021726000001/0001990217-26-000001-index.htm" in page
    assert "/ix?doc=/Archives/edgar/data/1990217/000199021726000001/hlvi-1.htm" in page
    assert 'aria-current="page">Filings<' in page


def test_the_page_filters_by_form_group_and_year(client, filer, settings):
    settings.PUBLIC_CACHE = False
    make_filing(1, form="10-Q", filed=dt.date(2025, 11, 6))
    make_filing(2, form="10-K/A", filed=dt.date(2024, 3, 1))
    make_filing(3, form="8-K", filed=dt.date(2025, 8, 1))
    make_filing(4, form="DEF 14A", filed=dt.date(2025, 4, 18))

    periodic = client.get("/investors/filings/", {"group": "periodic"})
    in_2025 = client.get("/investors/filings/", {"group": "periodic", "year": "2025"})

    assert [f.form for f in periodic.context["page"].object_list] == ["10-Q", "10-K/A"]
    assert [f.form for f in in_2025.context["page"].object_list] == ["10-Q"]
    assert periodic.context["listing"].years == [2025, 2024]
    assert client.get("/investors/filings/", {"group": "proxy"}).context["page"].object_list[0].form == "DEF 14A"
    assert client.get("/investors/filings/", {"group": "gossip"}).status_code == 404
    assert client.get("/investors/filings/", {"year": "1999"}).status_code == 404
    assert client.get("/investors/filings/", {"page": "9"}).status_code == 404


def test_the_page_is_paginated_and_its_queries_do_not_grow_with_the_filings(client, filer, settings):
    settings.PUBLIC_CACHE = False
    many_filings(60)

    def queries(path):
        with CaptureQueriesContext(connection) as captured:
            assert client.get(path).status_code == 200
        return len(captured)

    small = [queries(path) for path in ("/investors/filings/", "/investors/filings/?group=current&year=2016&page=1")]
    second = client.get("/investors/filings/?page=2")
    many_filings(3000, start=5000)
    large = [queries(path) for path in ("/investors/filings/", "/investors/filings/?group=current&year=2016&page=1")]

    assert len(second.context["page"].object_list) == 25 and second.context["page"].number == 2
    assert small == large and max(large) <= 10


def test_the_feed_lists_the_latest_filings(client, filer, settings):
    settings.PUBLIC_CACHE = False
    make_filing(1, form="10-K", filed=dt.date(2026, 2, 12), description="Annual report")
    make_filing(2, form="8-K", filed=dt.date(2026, 2, 24), accepted_at=dt.datetime(2026, 2, 24, 21, 6, tzinfo=dt.UTC))

    response = client.get("/investors/filings/feed/")

    assert response.status_code == 200
    items = ET.fromstring(response.content).findall("./channel/item")  # noqa: S314 -- the site's own feed
    assert [item.findtext("title") for item in items] == ["8-K", "10-K: Annual report"]
    assert items[0].findtext("guid") == "sec-filing-0001990217-26-000002"
    assert items[0].findtext("link").endswith("/0001990217-26-000002-index.htm")
    assert items[0].findtext("pubDate") == "Tue, 24 Feb 2026 21:06:00 +0000"


def test_the_investor_page_shows_the_latest_filings(client, filer, settings):
    settings.PUBLIC_CACHE = False
    for number in range(1, 8):
        make_filing(number, form="8-K", filed=dt.date(2026, 1, number))

    response = client.get("/investors/")

    latest = response.context["latest_filings"]
    assert [filing.filing_date.day for filing in latest] == [7, 6, 5, 4, 3]
    assert 'data-testid="investor-filings"' in response.content.decode()


def test_the_latest_filings_statement_reads_what_the_orm_reads(db):
    """``LATEST_SQL``: a company's newest filings by day, then accession number, whatever other filers filed."""
    for number, day in enumerate([3, 1, 3, 2, 5, 3], start=1):
        make_filing(number, filed=dt.date(2026, 3, day), description=f"Filing {number}")
    make_filing(20, filed=dt.date(2026, 4, 1), cik="0000320193")
    for count in (1, 3, 6, 10):
        orm_reading = Filing.objects.filter(cik=CIK).order_by("-filing_date", "-accession_number")[:count]
        assert latest_filings(CIK, count) == list(orm_reading)
    assert [(filing.filing_date.day, filing.description) for filing in latest_filings(CIK, 3)] == [
        (5, "Filing 5"),
        (3, "Filing 6"),
        (3, "Filing 3"),
    ]
    assert latest_filings("0000000001") == []


def _published_on(author, approver, headline) -> tuple:
    release = publish_now(author, approver, slug="q4-results", headline=headline)
    day = release.public_since.astimezone(zoneinfo.ZoneInfo("America/Phoenix")).date()
    return release, day


def test_a_release_links_the_8k_that_carried_it_as_exhibit_99(client, filer, author, approver, settings):
    settings.PUBLIC_CACHE = False
    release, day = _published_on(author, approver, edgar_pages.EARNINGS_HEADLINE)
    carrier = make_filing(31, form="8-K", filed=day, items="2.02,9.01")
    FilingExhibit.objects.create(
        filing=carrier,
        sequence=2,
        exhibit_type="EX-99.1",
        document=edgar_pages.EXHIBIT_NAME,
        text=f"Exhibit 99.1 {edgar_pages.EARNINGS_HEADLINE.upper()} TEMPE, Ariz. ...",
    )
    other = make_filing(32, form="8-K", filed=day, items="7.01,9.01")
    FilingExhibit.objects.create(
        filing=other, sequence=2, exhibit_type="EX-99.1", document="ex991.htm", text="Investor presentation"
    )

    page = client.get(f"/investors/news/{release.slug}/").content.decode()

    assert 'data-testid="sec-filing"' in page
    assert carrier.index_url in page and other.index_url not in page


@pytest.mark.parametrize("filed_days_later", [0, 1])
def test_no_link_without_an_8k_that_carried_this_release_that_day(
    client, filer, author, approver, settings, filed_days_later
):
    settings.PUBLIC_CACHE = False
    release, day = _published_on(author, approver, edgar_pages.EARNINGS_HEADLINE)
    # The same day with another release as its exhibit; or the next day with this one.
    text = "Halvorsen Instruments Names a New Chief Financial Officer" if filed_days_later == 0 else release.headline
    carrier = make_filing(40, form="8-K", filed=day + dt.timedelta(days=filed_days_later))
    FilingExhibit.objects.create(filing=carrier, sequence=2, exhibit_type="EX-99.1", document="ex.htm", text=text)

    page = client.get(f"/investors/news/{release.slug}/").content.decode()

    assert 'data-testid="sec-filing"' not in page


def test_an_import_drops_the_cached_pages(client, filer, django_capture_on_commit_callbacks):
    make_filing(1, form="10-K", filed=dt.date(2026, 2, 12))
    assert len(client.get("/investors/filings/").context["page"].object_list) == 1
    make_filing(2, form="10-Q", filed=dt.date(2026, 5, 7))
    assert b"10-Q" not in client.get("/investors/filings/").content  # the cached copy

    with django_capture_on_commit_callbacks(execute=True):
        filings_changed.send(sender=Filing)

    assert b"10-Q" in client.get("/investors/filings/").content
