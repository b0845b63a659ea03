"""Reads of the stock data for the public pages: a fixed number of queries whatever the history's length."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.conf import settings
from django.db.models import Max
from django.db.models.functions import TruncMonth, TruncWeek

from irportal.ops.moments import Moments, earliest
from stock.models import AnalystCoverage, DailyPrice, Dividend, StockSplit

RANGES = {"1m": 31, "3m": 92, "6m": 183, "1y": 366, "5y": 5 * 366, "10y": 10 * 366}
DEFAULT_RANGE = "1y"
# Beyond a year the chart and its table show one close a week; beyond five years, one a month.
WEEKLY_AFTER_DAYS = 366
MONTHLY_AFTER_DAYS = 5 * 366


@dataclass(frozen=True)
class LastClose:
    price: DailyPrice
    previous: DailyPrice | None
    stale: bool

    @property
    def change(self):
        return None if self.previous is None else self.price.close - self.previous.close

    @property
    def change_percent(self):
        if self.previous is None or not self.previous.close:
            return None
        return (self.price.close - self.previous.close) / self.previous.close * 100


def last_close(today: date) -> LastClose | None:
    """The latest day with its predecessor; stale when older than ``STOCK_STALE_DAYS`` calendar days."""
    latest = list(DailyPrice.objects.order_by("-day")[:2])
    if not latest:
        return None
    stale = (today - latest[0].day).days > settings.STOCK_STALE_DAYS
    return LastClose(latest[0], latest[1] if len(latest) > 1 else None, stale)


def section_checks(now: datetime) -> dict:
    """What each stock page shows, as querysets: the page has something to show when one has a row."""
    return {
        "overview": [DailyPrice.objects.all()],
        "dividends": [Dividend.objects.public(now), StockSplit.objects.public(now)],
        "analysts": [AnalystCoverage.objects.filter(is_active=True)],
    }


def closes(range_name: str, *, until: date) -> list[tuple[date, object]]:
    """The closes the chart draws and its table lists, oldest first: for long ranges the last close of each week (or
    month), so the chart and its table stay readable."""
    span = RANGES[range_name]
    prices = DailyPrice.objects.filter(day__gt=until - timedelta(days=span), day__lte=until)
    if span <= WEEKLY_AFTER_DAYS:
        return list(prices.order_by("day").values_list("day", "close"))
    period = TruncWeek("day") if span <= MONTHLY_AFTER_DAYS else TruncMonth("day")
    last_days = prices.annotate(period=period).values("period").annotate(last=Max("day")).values("last")
    return list(prices.filter(day__in=last_days).order_by("day").values_list("day", "close"))


def price_on(day: date) -> DailyPrice | None:
    """The day's prices, or the last trading day before it."""
    return DailyPrice.objects.filter(day__lte=day).order_by("-day").first()


def public_dividends(now: datetime) -> list[Dividend]:
    return list(Dividend.objects.public(now).order_by("-ex_dividend_on"))


def public_splits(now: datetime) -> list[StockSplit]:
    return list(StockSplit.objects.public(now).order_by("-effective_on"))


def analysts() -> list[AnalystCoverage]:
    return list(AnalystCoverage.objects.filter(is_active=True).order_by("order", "firm", "analyst"))


def public_from_moments(now: datetime) -> list[Moments]:
    """When the dividends and splits still to come go public: the public cache keeps no copy past it."""
    return [Moments(model.objects.filter(public_from__gt=now), "public_from") for model in (Dividend, StockSplit)]


def next_public_from(now: datetime) -> datetime | None:
    """When the next dividend or split goes public, in one query."""
    return earliest(public_from_moments(now), now)
