"""The public stock pages: last close, chart and table, lookup, dividends and splits from their second, analysts."""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from company.models import CompanyProfile
from stock.models import AnalystCoverage, DailyPrice, Dividend, StockSplit
from stock.prices_csv import parse_prices
from stock.selectors import RANGES
from stock.services import prices_store
from tests.factories import UserFactory
from tests.stock.prices import csv_text, rows

pytestmark = pytest.mark.django_db


def load_prices(first: dt.date, count: int) -> None:
    bars = parse_prices(csv_text(rows(first, count)), today=dt.date(2100, 1, 1))
    prices_store(actor=None, bars=bars, provider="upload", source="end_of_day", data={})


@pytest.fixture
def recent_prices(company):
    """A year of trading days ending yesterday."""
    today = timezone.localdate()
    load_prices(today - dt.timedelta(days=365), 300)
    DailyPrice.objects.filter(day__gte=today).delete()
    return DailyPrice.objects.order_by("-day").first()


def test_without_prices_the_stock_section_is_absent(client, company, settings):
    settings.PUBLIC_CACHE = False

    assert client.get("/investors/stock/").status_code == 404
    assert 'href="/investors/stock/"' not in client.get("/investors/").content.decode()


def test_the_last_close_with_its_date_and_source(client, recent_prices, settings):
    settings.PUBLIC_CACHE = False

    response = client.get("/investors/stock/")

    page = response.content.decode()
    assert response.status_code == 200
    assert response.context["last"].price == recent_prices
    assert f"{recent_prices.close:.2f}" in page and "Closing price, end of day," in page
    assert f'datetime="{recent_prices.day.isoformat()}"' in page
    assert 'data-testid="stale-prices"' not in page
    assert 'aria-current="page" href="/investors/stock/">Share price<' in page


def test_old_prices_say_they_are_out_of_date(client, company, settings):
    settings.PUBLIC_CACHE = False
    load_prices(timezone.localdate() - dt.timedelta(days=60), 20)

    page = client.get("/investors/stock/").content.decode()

    assert 'data-testid="stale-prices"' in page and "out of date" in page


def test_the_chart_draws_the_closes_the_table_lists(client, recent_prices, settings):
    settings.PUBLIC_CACHE = False

    response = client.get("/investors/stock/?range=3m")

    closes = response.context["closes"]
    chart = response.context["chart"]
    page = response.content.decode()
    assert len(closes) == len(chart.points.split()) > 50
    assert closes[-1] == (recent_prices.day, recent_prices.close)
    for day, close in closes:
        assert f'<time datetime="{day.isoformat()}">' in page and f"<td>{close:.2f}</td>" in page
    assert "<script" not in page.split('data-testid="price-chart"')[1].split("</svg>")[0]


def test_long_ranges_show_one_close_a_week_or_a_month(client, company, settings):
    settings.PUBLIC_CACHE = False
    load_prices(timezone.localdate() - dt.timedelta(days=3650), 2500)

    five_years = client.get("/investors/stock/?range=5y").context["closes"]
    ten_years = client.get("/investors/stock/?range=10y").context["closes"]

    assert 250 <= len(five_years) <= 262
    assert 110 <= len(ten_years) <= 121
    assert client.get("/investors/stock/?range=forever").status_code == 404


@pytest.mark.parametrize(
    ("range_name", "period"), [("5y", lambda day: day.isocalendar()[:2]), ("10y", lambda day: (day.year, day.month))]
)
def test_a_long_range_keeps_the_last_close_of_each_week_or_month(client, company, settings, range_name, period):
    settings.PUBLIC_CACHE = False
    load_prices(timezone.localdate() - dt.timedelta(days=3650), 2500)
    last = DailyPrice.objects.order_by("-day").first().day
    days = DailyPrice.objects.filter(day__gt=last - dt.timedelta(days=RANGES[range_name]), day__lte=last)
    expected = {}
    for day, close in days.order_by("day").values_list("day", "close"):
        expected[period(day)] = (day, close)

    closes = client.get("/investors/stock/", {"range": range_name}).context["closes"]

    assert closes == list(expected.values())


def test_the_lookup_finds_a_day_or_the_trading_day_before(client, recent_prices, settings):
    settings.PUBLIC_CACHE = False
    friday = DailyPrice.objects.filter(day__week_day=6).order_by("-day")[1]
    saturday = friday.day + dt.timedelta(days=1)

    exact = client.get(f"/investors/stock/?date={friday.day.isoformat()}")
    weekend = client.get(f"/investors/stock/?date={saturday.isoformat()}")

    assert exact.context["lookup"] == friday and "No trading on" not in exact.content.decode()
    assert weekend.context["lookup"] == friday and "No trading on" in weekend.content.decode()


@pytest.mark.parametrize(
    ("raw", "message"),
    [("24/02/2026", "Enter the date as YYYY-MM-DD"), ("2999-01-01", "in the future"), ("1850-01-01", "before 1900")],
)
def test_a_bad_lookup_date_is_a_400_with_the_reason(client, recent_prices, settings, raw, message):
    settings.PUBLIC_CACHE = False

    response = client.get("/investors/stock/", {"date": raw})

    assert response.status_code == 400 and message in response.content.decode()


def _dividend(user, public_from, **fields) -> Dividend:
    values = {
        "declared_on": dt.date(2026, 2, 24),
        "ex_dividend_on": dt.date(2026, 3, 10),
        "record_on": dt.date(2026, 3, 10),
        "payable_on": dt.date(2026, 3, 31),
        "amount": Decimal("0.24"),
        "public_from": public_from,
        "updated_by": user,
    }
    return Dividend.objects.create(**(values | fields))


def test_dividends_and_splits_are_public_from_their_second_and_the_cache_says_so(client, company):
    user = UserFactory()
    now = timezone.now().replace(microsecond=0)
    announcement = now + dt.timedelta(hours=2)
    _dividend(
        user,
        now - dt.timedelta(days=90),
        amount=Decimal("0.22"),
        declared_on=dt.date(2025, 11, 20),
        ex_dividend_on=dt.date(2025, 12, 9),
        record_on=dt.date(2025, 12, 9),
        payable_on=dt.date(2025, 12, 30),
    )
    _dividend(user, announcement)
    StockSplit.objects.create(
        effective_on=dt.date(2024, 6, 3),
        new_shares=3,
        old_shares=2,
        public_from=now - dt.timedelta(days=700),
        updated_by=user,
    )

    with time_machine.travel(announcement - dt.timedelta(seconds=1), tick=False):
        before = client.get("/investors/stock/dividends/")
    with time_machine.travel(announcement, tick=False):
        after = client.get("/investors/stock/dividends/")

    assert [d.amount for d in before.context["dividends"]] == [Decimal("0.22")]
    assert "0.24" not in before.content.decode()
    assert int(before["Cache-Control"].split("s-maxage=")[1]) <= 1
    assert [d.amount for d in after.context["dividends"]] == [Decimal("0.24"), Decimal("0.22")]
    assert "3-for-2" in after.content.decode()


def test_analysts_with_the_disclaimer(client, company, settings):
    settings.PUBLIC_CACHE = False
    user = UserFactory()
    assert client.get("/investors/stock/analysts/").status_code == 404
    AnalystCoverage.objects.create(firm="Brightwater Securities", analyst="Noor Haddad", order=1, updated_by=user)
    AnalystCoverage.objects.create(firm="Old Mill Capital", analyst="Ines Varga", is_active=False, updated_by=user)

    page = client.get("/investors/stock/analysts/").content.decode()

    assert "Brightwater Securities" in page and "Noor Haddad" in page and "Ines Varga" not in page
    assert "do not represent opinions, forecasts or predictions of Halvorsen Instruments" in page


def test_the_stock_pages_queries_do_not_grow_with_the_history(client, company, settings):
    settings.PUBLIC_CACHE = False
    user = UserFactory()
    today = timezone.localdate()
    load_prices(today - dt.timedelta(days=400), 250)
    _dividend(user, timezone.now() - dt.timedelta(days=1))
    AnalystCoverage.objects.create(firm="Brightwater Securities", analyst="Noor Haddad", updated_by=user)
    paths = [
        "/investors/stock/",
        "/investors/stock/?range=10y&date=2026-01-05",
        "/investors/stock/dividends/",
        "/investors/stock/analysts/",
    ]

    def queries():
        counts = []
        for path in paths:
            with CaptureQueriesContext(connection) as captured:
                assert client.get(path).status_code == 200
            counts.append(len(captured))
        return counts

    small = queries()
    load_prices(today - dt.timedelta(days=3650), 2400)
    for number in range(40):
        _dividend(user, timezone.now() - dt.timedelta(days=number + 2))
    large = queries()

    assert small == large and max(large) <= 10


def test_the_sitemap_lists_the_stock_and_filings_pages_that_exist(client, recent_prices, settings):
    settings.PUBLIC_CACHE = False
    before = client.get("/sitemap-pages.xml").content.decode()
    from company.models import CompanyProfile

    profile = CompanyProfile.load()
    profile.cik = "0001990217"
    profile.save()

    after = client.get("/sitemap-pages.xml").content.decode()

    assert "/investors/stock/</loc>" in before and "/investors/stock/analysts/" not in before
    assert "/investors/filings/</loc>" not in before and "/investors/filings/</loc>" in after


def test_the_french_pages_write_amounts_in_french_and_the_charts_data_for_its_script(client, recent_prices, settings):
    settings.PUBLIC_CACHE = False
    company = CompanyProfile.load()
    company.disclosure_languages = ["en", "fr"]
    company.save()
    _dividend(UserFactory(), timezone.now() - dt.timedelta(days=1), amount=Decimal("0.2475"))

    overview = client.get("/fr/investors/stock/?range=3m")
    dividends = client.get("/fr/investors/stock/dividends/").content.decode()

    page = overview.content.decode()
    chart, change = overview.context["chart"], overview.context["last"].change_percent
    assert f"{recent_prices.close:.2f}".replace(".", ",") in page
    assert f"(+{change:.2f}".replace(".", ",") + "\N{NO-BREAK SPACE}%)" in page
    assert f'data-low="{chart.low}" data-high="{chart.high}"' in page  # 38.4000, never 38,4000
    assert f'class="ir-chart-label">{chart.grid[-1].price:.2f}'.replace(".", ",") in page
    assert "0,2475\N{NO-BREAK SPACE}$\N{NO-BREAK SPACE}US" in dividends and "24 février 2026" in dividends
