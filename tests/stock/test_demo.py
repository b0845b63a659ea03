"""The demo's stock data: two years of prices that pass the upload's checks, and analysts."""

import datetime as dt

import pytest

from stock.demo import demo_bars, seed_demo_stock
from stock.models import AnalystCoverage, DailyPrice
from tests.factories import UserFactory
from tests.stock.prices import HEADER

pytestmark = pytest.mark.django_db


def test_the_demo_prices_pass_the_checks_every_upload_passes_and_end_before_today():
    from stock.prices_csv import parse_prices

    today = dt.date(2026, 12, 7)
    bars = demo_bars(today)
    text = "\n".join([HEADER, *(f"{b.day},{b.open},{b.high},{b.low},{b.close},{b.volume}" for b in bars)])

    assert len(parse_prices(text.encode(), today=today)) == len(bars) > 500
    assert bars[-1].day < today


def test_seeding_twice_keeps_one_set():
    user = UserFactory()
    seed_demo_stock(user=user, today=dt.date(2026, 12, 7))
    seed_demo_stock(user=user, today=dt.date(2026, 12, 7))

    assert AnalystCoverage.objects.count() == 3
    assert DailyPrice.objects.count() == len(demo_bars(dt.date(2026, 12, 7)))
