"""Daily prices as CSV: a header row naming ``date, open, high, low, close, volume``, then one row a day.

The columns may come in any order and other columns (``adj close``) are
left aside. Every row is checked; a file with any bad row is refused as a
whole, with one message per bad row naming its line and the reason, so an
import never stores part of a file.
"""

import csv
import io
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

COLUMNS = ("date", "open", "high", "low", "close", "volume")
MAX_ROWS = 50_000
MAX_ERRORS = 50
MAX_DECIMALS = 4
LARGEST_PRICE = Decimal("9999999999")
EARLIEST = date(1900, 1, 1)


@dataclass(frozen=True)
class Bar:
    day: date
    open: Decimal
    high: Decimal
    low: Decimal
    close: Decimal
    volume: int


@dataclass(frozen=True)
class RowError:
    line: int  # 0: the file as a whole
    reason: str

    def __str__(self):
        return f"Row {self.line}: {self.reason}" if self.line else self.reason


class PricesRejected(Exception):
    def __init__(self, errors: list[RowError]):
        super().__init__("; ".join(str(error) for error in errors[:3]))
        self.errors = errors


def _price(raw: str, column: str) -> tuple[Decimal | None, str]:
    try:
        value = Decimal(raw.strip())
    except InvalidOperation:
        return None, f"{column} {raw.strip()!r} is not a number"
    if not value.is_finite() or value <= 0:
        return None, f"{column} {raw.strip()!r} is not a price above zero"
    if value > LARGEST_PRICE:
        return None, f"{column} {raw.strip()!r} is larger than any share price"
    if -value.as_tuple().exponent > MAX_DECIMALS:
        return None, f"{column} {raw.strip()!r} has more than {MAX_DECIMALS} decimals"
    return value, ""


def _row(cells: dict[str, str], today: date) -> tuple[Bar | None, list[str]]:
    problems = []
    raw_day = cells["date"].strip()
    try:
        day = date.fromisoformat(raw_day)
    except ValueError:
        day = None
        problems.append(f"date {raw_day!r} is not a date written YYYY-MM-DD")
    if day is not None and day > today:
        problems.append(f"date {raw_day} is in the future")
    if day is not None and day < EARLIEST:
        problems.append(f"date {raw_day} is before 1900")
    prices = {}
    for column in ("open", "high", "low", "close"):
        prices[column], problem = _price(cells[column], column)
        if problem:
            problems.append(problem)
    raw_volume = cells["volume"].strip()
    volume = int(raw_volume) if raw_volume.isdigit() and raw_volume.isascii() else None
    if volume is None:
        problems.append(f"volume {raw_volume!r} is not a whole number of shares")
    if None not in prices.values():
        if prices["high"] < max(prices["open"], prices["close"], prices["low"]):
            problems.append(f"high {prices['high']} is below the open, close or low")
        if prices["low"] > min(prices["open"], prices["close"]):
            problems.append(f"low {prices['low']} is above the open or close")
    if problems:
        return None, problems
    return Bar(day, prices["open"], prices["high"], prices["low"], prices["close"], volume), []


def parse_prices(data: bytes, *, today: date) -> list[Bar]:
    """Every row of the file, oldest first; ``PricesRejected`` naming each bad row."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise PricesRejected([RowError(0, "The file is not UTF-8 text (save it as CSV UTF-8).")]) from None
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
    except (StopIteration, csv.Error):
        raise PricesRejected([RowError(0, "The file is empty.")]) from None
    names = [name.strip().lower() for name in header]
    missing = [column for column in COLUMNS if column not in names]
    if missing:
        plural = "s" if len(missing) > 1 else ""
        reason = f"the header lacks the column{plural} {', '.join(missing)} (it needs {', '.join(COLUMNS)})"
        raise PricesRejected([RowError(1, reason)])
    where = {column: names.index(column) for column in COLUMNS}
    bars, errors, seen = [], [], {}
    try:
        for cells in reader:
            line = reader.line_num
            if not any(cell.strip() for cell in cells):
                continue
            if len(bars) + len(errors) >= MAX_ROWS:
                errors.append(RowError(line, f"the file has more than {MAX_ROWS} rows"))
                break
            if len(cells) < len(header):
                errors.append(RowError(line, f"it has {len(cells)} cells where the header names {len(header)}"))
                continue
            bar, problems = _row({column: cells[index] for column, index in where.items()}, today)
            if bar is not None and bar.day in seen:
                problems = [f"date {bar.day} is also on row {seen[bar.day]}"]
            errors.extend(RowError(line, problem) for problem in problems)
            if bar is not None and not problems:
                seen[bar.day] = line
                bars.append(bar)
            if len(errors) >= MAX_ERRORS:
                break
    except csv.Error as exc:
        errors.append(RowError(reader.line_num, f"it cannot be read as CSV ({exc})"))
    if errors:
        raise PricesRejected(errors)
    if not bars:
        raise PricesRejected([RowError(0, "The file has a header and no prices.")])
    return sorted(bars, key=lambda bar: bar.day)
