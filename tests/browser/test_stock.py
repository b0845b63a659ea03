"""The stock pages in a browser: the chart draws the closes its table lists; every page accessible."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from stock.models import AnalystCoverage, DailyPrice, Dividend, StockSplit
from tests.browser.test_accessibility import violations
from tests.factories import UserFactory, make_company
from tests.investors.test_stock import load_prices

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def stock(transactional_db):
    make_company()
    today = timezone.localdate()
    load_prices(today - dt.timedelta(days=200), 200)
    DailyPrice.objects.filter(day__gte=today).delete()
    user = UserFactory()
    Dividend.objects.create(
        declared_on=dt.date(2026, 2, 24),
        ex_dividend_on=dt.date(2026, 3, 10),
        record_on=dt.date(2026, 3, 10),
        payable_on=dt.date(2026, 3, 31),
        amount=Decimal("0.24"),
        public_from=timezone.now() - dt.timedelta(days=1),
        updated_by=user,
    )
    StockSplit.objects.create(
        effective_on=dt.date(2024, 6, 3), new_shares=2, old_shares=1, public_from=timezone.now(), updated_by=user
    )
    AnalystCoverage.objects.create(firm="Brightwater Securities", analyst="Noor Haddad", updated_by=user)


DRAWN_CLOSES = """
(svg) => {
  const low = parseFloat(svg.dataset.low), high = parseFloat(svg.dataset.high);
  const top = parseFloat(svg.dataset.top), bottom = parseFloat(svg.dataset.bottom);
  const points = svg.querySelector("polyline").getAttribute("points").trim().split(/\\s+/);
  return points.map((point) => {
    const y = parseFloat(point.split(",")[1]);
    return (low + (bottom - y) / (bottom - top) * (high - low)).toFixed(2);
  });
}
"""


def test_the_chart_and_its_table_show_the_same_closes(page, stock):
    page.goto("/investors/stock/?range=3m")
    page.get_by_text("The chart's prices as a table").click()

    drawn = page.get_by_test_id("price-chart").evaluate(DRAWN_CLOSES)
    listed = page.get_by_test_id("price-table").locator("tbody td").all_inner_texts()

    assert len(listed) > 50
    assert drawn == listed


def test_the_lookup_shows_a_days_prices(page, stock):
    day = DailyPrice.objects.order_by("-day")[5]
    page.goto("/investors/stock/")
    page.get_by_label("Date").fill(day.day.isoformat())
    page.get_by_role("button", name="Look up").click()

    page.wait_for_url(f"**date={day.day.isoformat()}*")
    assert f"{day.close:.2f}" in page.get_by_test_id("lookup").inner_text()


@pytest.mark.parametrize("path", ["/investors/stock/", "/investors/stock/dividends/", "/investors/stock/analysts/"])
def test_the_stock_pages_have_no_accessibility_violations(page, stock, path):
    assert violations(page, path) == []
