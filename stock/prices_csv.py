"""Daily prices as CSV: a header row naming ``date, open, high, low, close, volume``, then one row a day.

The columns may come in any order and other columns (``adj close``) are
left aside. Every row is checked; a file with any bad row is refused as a
whole, with one message per bad row naming its line and the reason, so an
import never stores part of a file.

The messages are written in the active language (the console's on an
upload, the primary language in a scheduled import); the column names in
them are the ones a file must have, whatever the language.
"""

import csv
import io
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

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
        return _("Row %(line)s: %(reason)s") % {"line": self.line, "reason": self.reason} if self.line else self.reason


class PricesRejected(Exception):
    def __init__(self, errors: list[RowError]):
        super().__init__("; ".join(str(error) for error in errors[:3]))
        self.errors = errors


def _price(raw: str, column: str) -> tuple[Decimal | None, str]:
    named = {"column": column, "value": repr(raw.strip())}
    try:
        value = Decimal(raw.strip())
    except InvalidOperation:
        return None, _("%(column)s %(value)s is not a number") % named
    if not value.is_finite() or value <= 0:
        return None, _("%(column)s %(value)s is not a price above zero") % named
    if value > LARGEST_PRICE:
        return None, _("%(column)s %(value)s is larger than any share price") % named
    if -value.as_tuple().exponent > MAX_DECIMALS:
        return None, _("%(column)s %(value)s has more than %(decimals)s decimals") % (
            named | {"decimals": MAX_DECIMALS}
        )
    return value, ""


def _row(cells: dict[str, str], today: date) -> tuple[Bar | None, list[str]]:
    problems = []
    raw_day = cells["date"].strip()
    try:
        day = date.fromisoformat(raw_day)
    except ValueError:
        day = None
        problems.append(_("date %(value)s is not a date written YYYY-MM-DD") % {"value": repr(raw_day)})
    if day is not None and day > today:
        problems.append(_("date %(value)s is in the future") % {"value": raw_day})
    if day is not None and day < EARLIEST:
        problems.append(_("date %(value)s is before 1900") % {"value": raw_day})
    prices = {}
    for column in ("open", "high", "low", "close"):
        prices[column], problem = _price(cells[column], column)
        if problem:
            problems.append(problem)
    raw_volume = cells["volume"].strip()
    volume = int(raw_volume) if raw_volume.isdigit() and raw_volume.isascii() else None
    if volume is None:
        problems.append(_("volume %(value)s is not a whole number of shares") % {"value": repr(raw_volume)})
    if None not in prices.values():
        if prices["high"] < max(prices["open"], prices["close"], prices["low"]):
            problems.append(_("high %(value)s is below the open, close or low") % {"value": prices["high"]})
        if prices["low"] > min(prices["open"], prices["close"]):
            problems.append(_("low %(value)s is above the open or close") % {"value": prices["low"]})
    if problems:
        return None, problems
    return Bar(day, prices["open"], prices["high"], prices["low"], prices["close"], volume), []


def parse_prices(data: bytes, *, today: date) -> list[Bar]:
    """Every row of the file, oldest first; ``PricesRejected`` naming each bad row."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise PricesRejected([RowError(0, _("The file is not UTF-8 text (save it as CSV UTF-8)."))]) from None
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
    except (StopIteration, csv.Error):
        raise PricesRejected([RowError(0, _("The file is empty."))]) from None
    names = [name.strip().lower() for name in header]
    missing = [column for column in COLUMNS if column not in names]
    if missing:
        reason = ngettext(
            "the header lacks the column %(missing)s (it needs %(columns)s)",
            "the header lacks the columns %(missing)s (it needs %(columns)s)",
            len(missing),
        ) % {"missing": ", ".join(missing), "columns": ", ".join(COLUMNS)}
        raise PricesRejected([RowError(1, reason)])
    where = {column: names.index(column) for column in COLUMNS}
    bars, errors, seen = [], [], {}
    try:
        for cells in reader:
            line = reader.line_num
            if not any(cell.strip() for cell in cells):
                continue
            if len(bars) + len(errors) >= MAX_ROWS:
                errors.append(RowError(line, _("the file has more than %(rows)s rows") % {"rows": MAX_ROWS}))
                break
            if len(cells) < len(header):
                errors.append(
                    RowError(
                        line,
                        _("it has %(cells)s cells where the header names %(names)s")
                        % {"cells": len(cells), "names": len(header)},
                    )
                )
                continue
            bar, problems = _row({column: cells[index] for column, index in where.items()}, today)
            if bar is not None and bar.day in seen:
                problems = [_("date %(value)s is also on row %(line)s") % {"value": bar.day, "line": seen[bar.day]}]
            errors.extend(RowError(line, problem) for problem in problems)
            if bar is not None and not problems:
                seen[bar.day] = line
                bars.append(bar)
            if len(errors) >= MAX_ERRORS:
                break
    except csv.Error as exc:
        errors.append(RowError(reader.line_num, _("it cannot be read as CSV (%(error)s)") % {"error": exc}))
    if errors:
        raise PricesRejected(errors)
    if not bars:
        raise PricesRejected([RowError(0, _("The file has a header and no prices."))])
    return sorted(bars, key=lambda bar: bar.day)
