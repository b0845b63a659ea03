"""The price CSV: every bad row named with its reason, nothing taken from a refused file."""

import datetime as dt
from decimal import Decimal

import pytest

from stock.prices_csv import PricesRejected, parse_prices
from tests.stock.prices import csv_text, rows

TODAY = dt.date(2026, 3, 2)


def test_a_good_file_gives_every_day_oldest_first_in_any_column_order():
    data = (
        b"\xef\xbb\xbfVolume,Date,Close,Open,High,Low,Adj Close\n"
        b"1500,2026-02-27,41.20,41.00,41.90,40.75,41.10\n900,2026-02-26,41.00,40.10,41.05,40.00,40.90\n"
    )

    bars = parse_prices(data, today=TODAY)

    assert [(bar.day, bar.close, bar.volume) for bar in bars] == [
        (dt.date(2026, 2, 26), Decimal("41.00"), 900),
        (dt.date(2026, 2, 27), Decimal("41.20"), 1500),
    ]


def test_each_bad_row_is_named_with_its_reason():
    lines = rows(dt.date(2026, 2, 2), 3)
    lines += [
        "2026-02-30,40,41,39,40.5,100",
        "2026-02-09,40,39.5,39,40.5,100",
        "2026-02-10,40,41,39,forty,100",
        "2026-02-11,40,41,39,40.5,-5",
        lines[0],
        "2026-03-05,40,41,39,40.5,100",
        "2026-02-12,40.12345,41,39,40.5,100",
    ]

    with pytest.raises(PricesRejected) as refused:
        parse_prices(csv_text(lines), today=TODAY)

    assert [str(error) for error in refused.value.errors] == [
        "Row 5: date '2026-02-30' is not a date written YYYY-MM-DD",
        "Row 6: high 39.5 is below the open, close or low",
        "Row 7: close 'forty' is not a number",
        "Row 8: volume '-5' is not a whole number of shares",
        "Row 9: date 2026-02-02 is also on row 2",
        "Row 10: date 2026-03-05 is in the future",
        "Row 11: open '40.12345' has more than 4 decimals",
    ]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "The file is empty."),
        (b"date,open,high,close\n2026-02-02,1,2,1.5\n", "Row 1: the header lacks the columns low, volume"),
        (b"date,open,high,low,close,volume\n", "The file has a header and no prices."),
        ("date,open,high,low,close,volume\n2026-02-02,1,2,1,1.5,9\n".encode("utf-16"), "not UTF-8"),
        (b"date,open,high,low,close,volume\n2026-02-02,1,2\n", "Row 2: it has 3 cells where the header names 6"),
    ],
)
def test_a_file_that_is_not_prices_is_refused_with_the_reason(data, message):
    with pytest.raises(PricesRejected, match=message):
        parse_prices(data, today=TODAY)
