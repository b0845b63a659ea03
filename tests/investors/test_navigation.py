"""The public navigation: the sections in the order investor sites use, each only when it has something to show,
in one query whatever the number of items."""

import datetime as dt
import re

import pytest
import time_machine
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from company.models import CompanyProfile
from investors.navigation import public_sections
from releases.models import MediaContact
from tests.governance.builders import published_person
from tests.investors.conftest import publish_now
from tests.investors.test_filings import make_filing
from tests.investors.test_stock import load_prices

pytestmark = pytest.mark.django_db

EVERY_SECTION = [
    "Investors",
    "News",
    "Events &amp; presentations",
    "Financials",
    "Filings",
    "Stock",
    "Governance",
    "Email alerts",
    "Contacts",
]


def labels(client, path="/investors/") -> list[str]:
    page = client.get(path).content.decode()
    navigation = re.search(r'<nav aria-label="Investor information"[^>]*>(.*?)</nav>', page, re.S).group(1)
    return re.findall(r'class="nav-link[^"]*"[^>]*>([^<]+)</a>', navigation)


def _everything(author, approver, *, count: int, start: int = 1):
    from irportal.workflow import engine
    from reports.checks import CODES as EVERY_DOCUMENT_WARNING
    from reports.workflow import DOCUMENT
    from tests.events.builders import make_event, published
    from tests.reports.builders import make_document

    profile = CompanyProfile.load()
    profile.cik = "0001990217"
    profile.save()
    for number in range(count):
        publish_now(author, approver, headline=f"Halvorsen Announces Item {number}")
        published(make_event(author), author, approver)
        document = make_document(author)
        engine.submit(DOCUMENT, pk=document.pk, actor=author)
        engine.approve(DOCUMENT, pk=document.pk, actor=approver, acknowledged=EVERY_DOCUMENT_WARNING)
        engine.publish(DOCUMENT, pk=document.pk, actor=approver)
        make_filing(start + number)
        published_person(author, approver, name=f"Director {number}")
        MediaContact.objects.create(name=f"Contact {number}", title="IR", email=f"ir{number}@example.test")
    load_prices(timezone.localdate() - dt.timedelta(days=10 * count), 5 * count)


def test_a_new_site_shows_the_overview_and_the_alerts_only(client, company):
    assert labels(client) == ["Investors", "Email alerts"]


def test_every_section_in_the_order_investor_sites_use_once_each_has_content(client, company, author, approver):
    _everything(author, approver, count=1)
    assert labels(client) == EVERY_SECTION
    sections = {section.name: section.url for section in public_sections(timezone.now())}
    assert sections["governance"] == "/investors/governance/" and sections["stock"] == "/investors/stock/"
    assert sections["contacts"] == "/investors/#contacts"
    home = client.get("/investors/").content.decode()
    assert 'id="contacts"' in home and 'data-testid="investor-governance"' in home
    assert 'data-testid="investor-stock"' in home


def test_the_governance_link_opens_at_its_first_page_with_content(client, company, author, approver):
    published_person(author, approver, name="Tomas Brandt", board_title="", management_title="Chief Financial Officer")
    sections = {section.name: section.url for section in public_sections(timezone.now())}
    assert sections["governance"] == "/investors/governance/management/"


def test_the_sections_are_one_query_at_every_size(company, author, approver):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            public_sections(timezone.now())
        return len(captured)

    empty = queries()
    _everything(author, approver, count=1)
    small = queries()
    _everything(author, approver, count=6, start=100)
    assert empty == small == queries() == 1


def _sql(client, path) -> list[str]:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(path).status_code == 200
    return [query["sql"] for query in queries]


def assert_sections_read_only_without_reading(without: list[str], with_reading: list[str]) -> None:
    """The sections' query (its ``has_contacts`` flag) is in the first request's SQL only, one query more."""
    assert any('"has_contacts"' in sql for sql in without)
    assert not any('"has_contacts"' in sql for sql in with_reading)
    assert len(with_reading) == len(without) - 1


@pytest.mark.parametrize("public_cache", ["file", "redis"], indirect=True)
def test_a_later_miss_of_the_generation_reads_neither_the_schedule_nor_the_profile(client, company, public_cache):
    """The first render of a generation reads when the site next changes and the company profile with the sections
    that have content; a miss of another page afterwards takes them from the cache (``investors.cache.Reading``)
    and shows the same navigation and company, at two queries less."""
    MediaContact.objects.create(name="Ira Investor", title="IR", email="ir@example.test")
    first_of_generation = _sql(client, "/investors/news/")
    cache.clear()
    assert labels(client, "/investors/") == ["Investors", "Email alerts", "Contacts"]
    later_miss = _sql(client, "/investors/news/")
    page = client.get("/investors/news/?page=1").content.decode()
    assert labels(client, "/investors/news/?page=2") == ["Investors", "Email alerts", "Contacts"]
    assert any('"has_contacts"' in sql for sql in first_of_generation)
    assert not any("company_companyprofile" in sql for sql in later_miss)
    assert len(later_miss) == len(first_of_generation) - 2
    assert company.legal_name in page and company.ticker in page


@pytest.mark.parametrize("public_cache", ["redis"], indirect=True)
def test_a_change_to_the_profile_starts_a_new_reading(
    client, company, public_cache, django_capture_on_commit_callbacks
):
    assert company.legal_name in client.get("/investors/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        company.legal_name = "Renamed Instruments Inc."
        company.save()
    assert "Renamed Instruments Inc." in client.get("/investors/news/").content.decode()
    assert "Renamed Instruments Inc." in client.get("/investors/events/").content.decode()


@pytest.mark.parametrize("public_cache", ["file", "redis"], indirect=True)
def test_the_alerts_form_takes_the_sections_from_the_generations_reading(
    client, company, public_cache, django_capture_on_commit_callbacks
):
    """The alerts form is never kept (it sets a cookie) and shows the same navigation as the public pages: from the
    generation's reading once a public page made it, at one query less, and read again after a change."""
    MediaContact.objects.create(name="Ira Investor", title="IR", email="ir@example.test")
    without_reading = _sql(client, "/investors/alerts/")
    assert labels(client, "/investors/") == ["Investors", "Email alerts", "Contacts"]
    with_reading = _sql(client, "/investors/alerts/")
    assert labels(client, "/investors/alerts/") == ["Investors", "Email alerts", "Contacts"]
    assert_sections_read_only_without_reading(without_reading, with_reading)
    with django_capture_on_commit_callbacks(execute=True):
        MediaContact.objects.all().delete()
    assert labels(client, "/investors/alerts/") == ["Investors", "Email alerts"]


@pytest.mark.parametrize("public_cache", ["redis"], indirect=True)
def test_a_change_starts_a_new_reading(client, company, public_cache, django_capture_on_commit_callbacks):
    assert labels(client, "/investors/") == ["Investors", "Email alerts"]
    with django_capture_on_commit_callbacks(execute=True):
        MediaContact.objects.create(name="Ira Investor", title="IR", email="ir@example.test")
    assert labels(client, "/investors/news/") == ["Investors", "Email alerts", "Contacts"]


@pytest.mark.parametrize("public_cache", ["redis"], indirect=True)
def test_a_clock_behind_the_reading_reads_for_itself(client, embargoed, public_cache):
    """A web process whose clock is behind the one that read the sections after an embargo must not show the
    release's section early, nor keep a copy past the embargo."""
    with time_machine.travel(embargoed.publish_at + dt.timedelta(seconds=1), tick=False):
        assert "News" in labels(client, "/investors/")
    with time_machine.travel(embargoed.publish_at - dt.timedelta(seconds=1), tick=False):
        assert "News" not in labels(client, "/investors/events/")
    with time_machine.travel(embargoed.publish_at, tick=False):
        assert "News" in labels(client, "/investors/events/")
