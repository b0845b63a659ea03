"""Daily prices as the CSV upload and the price address answer them."""

import datetime as dt
from decimal import Decimal

HEADER = "date,open,high,low,close,volume"


def rows(
    first: dt.date, count: int, *, start: Decimal = Decimal("40.00"), step: Decimal = Decimal("0.25")
) -> list[str]:
    """``count`` trading days (weekdays) from ``first``, closing ``step`` higher each day."""
    lines, day, close = [], first, start
    while len(lines) < count:
        if day.weekday() < 5:
            lines.append(f"{day.isoformat()},{close - step},{close + 1},{close - 1},{close},{120_000 + len(lines)}")
            close += step
        day += dt.timedelta(days=1)
    return lines


def csv_text(lines: list[str], header: str = HEADER) -> bytes:
    return ("\r\n".join([header, *lines]) + "\r\n").encode()
