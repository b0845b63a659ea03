"""The price chart, drawn on the server as SVG: no script, the same closes as the table beside it.

``price_chart`` turns the closes into the coordinates of one polyline in a
fixed view box, with a few labelled price lines and the first and last
dates. The template writes the SVG; the page lists the same points in a
table, so the chart hides nothing from a screen reader.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

WIDTH = 720
HEIGHT = 300
LEFT = 64  # room for the price labels
RIGHT = 12
TOP = 12
BOTTOM = 32  # room for the date labels
GRID_LINES = 4


@dataclass(frozen=True)
class GridLine:
    y: float
    price: Decimal  # its label, written by the template in the page's language


@dataclass(frozen=True)
class Chart:
    points: str  # "x,y x,y ..." for <polyline points>
    low: Decimal
    high: Decimal
    top: float
    bottom: float
    left: float
    right: float
    grid: list[GridLine]
    first: date
    last: date
    width: int = WIDTH
    height: int = HEIGHT


def _scale(value: Decimal, low: Decimal, high: Decimal, top: float, bottom: float) -> float:
    if high == low:
        return (top + bottom) / 2
    return bottom - float((value - low) / (high - low)) * (bottom - top)


def price_chart(closes: list[tuple[date, Decimal]]) -> Chart | None:
    if not closes:
        return None
    values = [close for _, close in closes]
    low, high = min(values), max(values)
    top, bottom, left, right = TOP, HEIGHT - BOTTOM, LEFT, WIDTH - RIGHT
    step = (right - left) / max(len(closes) - 1, 1)
    points = " ".join(
        f"{left + index * step:.2f},{_scale(close, low, high, top, bottom):.2f}"
        for index, (_, close) in enumerate(closes)
    )
    grid = []
    for line in range(GRID_LINES + 1):
        value = low + (high - low) * Decimal(line) / GRID_LINES
        grid.append(GridLine(_scale(value, low, high, top, bottom), value))
    return Chart(points, low, high, top, bottom, left, right, grid, closes[0][0], closes[-1][0])
