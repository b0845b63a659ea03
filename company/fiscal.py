"""Fiscal periods: the company's fiscal year end (company profile) turned into quarters and their names.

A fiscal year is named after the calendar year in which it ends: with a year
end of June 30, FY2027 runs from July 1, 2026 to June 30, 2027, and its first
quarter, "Q1 FY2027", ends on Sept. 30, 2026. With the default, Dec. 31, the
fiscal year is the calendar year. Quarters end on the year end's day of the
month three, six and nine months earlier (the last day of the month when the
year end is a month's last day, or when that month is shorter).
"""

import calendar
import datetime
from dataclasses import dataclass


def _month_end(year: int, month: int) -> int:
    return calendar.monthrange(year, month)[1]


@dataclass(frozen=True)
class FiscalYearEnd:
    month: int
    day: int

    def year_end(self, fiscal_year: int) -> datetime.date:
        return datetime.date(fiscal_year, self.month, min(self.day, _month_end(fiscal_year, self.month)))

    def quarter_end(self, fiscal_year: int, quarter: int) -> datetime.date:
        """The last day of ``quarter`` (1 to 4) of ``fiscal_year``."""
        if quarter not in (1, 2, 3, 4):
            raise ValueError(f"a fiscal quarter is 1, 2, 3 or 4, not {quarter}")
        months_back = 3 * (4 - quarter)
        total = fiscal_year * 12 + (self.month - 1) - months_back
        year, month = divmod(total, 12)
        month += 1
        at_month_end = self.day >= _month_end(fiscal_year, self.month)
        day = _month_end(year, month) if at_month_end else min(self.day, _month_end(year, month))
        return datetime.date(year, month, day)

    def period_end(self, fiscal_year: int, quarter: int | None) -> datetime.date:
        return self.year_end(fiscal_year) if quarter is None else self.quarter_end(fiscal_year, quarter)

    def period_of(self, day: datetime.date) -> tuple[int, int]:
        """The fiscal year and quarter ``day`` falls in."""
        fiscal_year = day.year if day <= self.year_end(day.year) else day.year + 1
        for quarter in (1, 2, 3, 4):
            if day <= self.quarter_end(fiscal_year, quarter):
                return fiscal_year, quarter
        raise AssertionError("a day after Q4's end belongs to the next fiscal year")  # pragma: no cover

    def last_completed_quarter(self, today: datetime.date) -> tuple[int, int]:
        """The quarter a company reports on next: the latest one that has ended before ``today``."""
        fiscal_year, quarter = self.period_of(today)
        return (fiscal_year, quarter - 1) if quarter > 1 else (fiscal_year - 1, 4)


def period_label(fiscal_year: int, quarter: int | None) -> str:
    """``Q1 FY2027``, or ``FY2027`` for the whole year."""
    return f"FY{fiscal_year}" if quarter is None else f"Q{quarter} FY{fiscal_year}"
