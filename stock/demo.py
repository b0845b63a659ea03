"""Demo stock data for the fictional Halvorsen Instruments: two years of daily prices and analyst coverage.

Prices go through the same check and store as an upload (audited as the
system); the walk is made from a fixed seed, so every demo shows the same
chart, ending on the last weekday before today.
"""

import random
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import Max
from django.utils.translation import gettext_lazy as _

from company.demo import DemoContent
from stock.models import AnalystCoverage, DailyPrice, PriceSource
from stock.prices_csv import Bar
from stock.services import prices_store, stock_rows_delete

DEMO_ANALYSTS = [
    ("Brightwater Securities", "Noor Haddad"),
    ("Old Mill Capital Markets", "Ines Varga"),
    ("Canyon Ridge Research", "Theo Marchetti"),
]
CENT = Decimal("0.01")
DEMO_PROVIDER = "demo"


def demo_bars(today: date, days: int = 730) -> list[Bar]:
    walk = random.Random(20260224)  # a demo chart, not a secret
    close, bars = Decimal("38.40"), []
    day = today - timedelta(days=days)
    while day < today:
        if day.weekday() < 5:
            opened = close
            close = max(Decimal("5"), (close * Decimal(str(1 + walk.gauss(0.0004, 0.016)))).quantize(CENT))
            high = (max(opened, close) * Decimal(str(1 + abs(walk.gauss(0, 0.006))))).quantize(CENT)
            low = (min(opened, close) * Decimal(str(1 - abs(walk.gauss(0, 0.006))))).quantize(CENT)
            bars.append(Bar(day, opened, high, low, close, walk.randint(180_000, 900_000)))
        day += timedelta(days=1)
    return bars


def seed_demo_stock(*, user, today: date) -> None:
    if AnalystCoverage.objects.aggregate(last=Max("pk"))["last"] is None:
        for order, (firm, analyst) in enumerate(DEMO_ANALYSTS, start=1):
            AnalystCoverage.objects.create(firm=firm, analyst=analyst, order=order, updated_by=user, is_demo=True)
    prices_store(actor=None, bars=demo_bars(today), provider=DEMO_PROVIDER, source=PriceSource.END_OF_DAY, data={})


def demo_stock() -> list[DemoContent]:
    """The demo's share prices (the rows its provider wrote) and analysts, for ``company.demo.register``."""
    return [
        DemoContent(
            name=name,
            label=label,
            count=lambda rows=rows: rows().count(),
            remove=lambda rows=rows: stock_rows_delete(rows()),
            order=50,
        )
        for name, label, rows in (
            (
                "days of share prices",
                _("days of share prices"),
                lambda: DailyPrice.objects.filter(provider=DEMO_PROVIDER),
            ),
            ("analysts", _("analysts"), lambda: AnalystCoverage.objects.filter(is_demo=True)),
        )
    ]
