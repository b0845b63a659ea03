"""The public stock pages: the last close, the chart with its table, a price lookup, dividends and splits, analysts.

Each page answers 404 while it has nothing to show (no prices yet, no
dividend or split public yet, no analyst), as an address that never
existed. Dividends and splits are shown from their ``public_from`` second.
"""

import html
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.http import Http404
from django.shortcuts import render
from django.utils import formats, numberformat, timezone
from django.utils.html import conditional_escape as esc
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from company import numfmt
from company.middleware import request_company
from company.models import CompanyProfile
from investors.navigation import pages_of, present_sections
from investors.templatetags.ir import public_date
from stock import selectors
from stock.chart import price_chart
from stock.models import Dividend, StockSplit
from stock.prices_csv import EARLIEST


def _lookup(raw: str, today: date) -> tuple[date | None, str]:
    """The date asked for, or why it cannot be looked up."""
    try:
        asked = date.fromisoformat(raw.strip())
    except ValueError:
        return None, _("Enter the date as YYYY-MM-DD, e.g. 2026-02-24.")
    if asked > today:
        return None, _("That date is in the future.")
    if asked < EARLIEST:
        return None, _("There are no prices before 1900.")
    return asked, ""


CENT = Decimal("0.01")


def price_rows(closes: list[tuple[date, Decimal]]) -> str:
    """The chart's table rows: each day (ISO 8601) and its close with two decimals, as ``floatformat:2`` writes it in
    the page's language; the language's number format read and escaped once, not for each of up to a year's closes
    (a price is digits, a sign and those separators)."""
    separator = html.escape(formats.get_format("DECIMAL_SEPARATOR"))
    grouping = formats.get_format("NUMBER_GROUPING")
    thousands = html.escape(formats.get_format("THOUSAND_SEPARATOR"))
    rows = []
    for day, close in closes:
        iso, cents = day.isoformat(), close.quantize(CENT, ROUND_HALF_UP)
        price = numberformat.format(cents, separator, 2, grouping, thousands, use_l10n=True)
        rows.append(f'<tr><th scope="row"><time datetime="{iso}">{iso}</time></th><td>{price}</td></tr>')
    return mark_safe("".join(rows))  # noqa: S308 - the separators are escaped, the day is digits and dashes


def dividend_rows(dividends: list[Dividend]) -> str:
    """The dividends table's rows, written in one pass with the kinds' names translated once, each value escaped as
    the template escaped it."""
    kinds = {value: str(label) for value, label in Dividend.Kind.choices}
    return mark_safe(  # noqa: S308 - every value is escaped
        "".join(
            f"<tr><td>{public_date(dividend.declared_on)}</td><td>{public_date(dividend.ex_dividend_on)}</td>"
            f"<td>{public_date(dividend.record_on)}</td><td>{public_date(dividend.payable_on)}</td>"
            f"<td>{esc(numfmt.money(dividend.amount, dividend.currency))}</td>"
            f"<td>{esc(kinds.get(dividend.kind, dividend.kind))}</td></tr>"
            for dividend in dividends
        )
    )


def split_rows(splits: list[StockSplit]) -> str:
    """The stock splits table's rows, each value escaped as the template escaped it."""
    return mark_safe(  # noqa: S308 - every value is escaped
        "".join(
            f"<tr><td>{public_date(split.effective_on)}</td><td>{esc(split.ratio)}</td><td>{esc(split.note)}</td></tr>"
            for split in splits
        )
    )


def _pages(request, now) -> set[str]:
    """The stock pages with something to show, read with the page's navigation."""
    return pages_of(present_sections(now, request_company(request)), "stock")


@require_safe
def stock_overview(request):
    """The last close, the chart and table of a range, and the lookup of one day's prices (``?date=``)."""
    company = CompanyProfile.load()
    today = timezone.localdate(timezone=company.zone)
    last = selectors.last_close(today)
    if last is None:
        raise Http404("No stock section")
    range_name = request.GET.get("range", selectors.DEFAULT_RANGE)
    if range_name not in selectors.RANGES:
        raise Http404("No such range")
    closes = selectors.closes(range_name, until=last.price.day)
    context = {
        "company": company,
        "sections": _pages(request, timezone.now()),
        "last": last,
        "range": range_name,
        "ranges": list(selectors.RANGES),
        "closes": closes,
        "price_rows": price_rows(closes),
        "chart": price_chart(closes),
    }
    status = 200
    raw = request.GET.get("date", "")
    if raw:
        asked, error = _lookup(raw, today)
        context.update(lookup_date=raw, lookup_error=error)
        if asked is not None:
            context.update(lookup=selectors.price_on(asked), asked=asked)
        else:
            status = 400
    return render(request, "public/stock/overview.html", context, status=status)


@require_safe
def dividends(request):
    now = timezone.now()
    context = {
        "dividends": selectors.public_dividends(now),
        "splits": selectors.public_splits(now),
        "sections": _pages(request, now),
    }
    if not context["dividends"] and not context["splits"]:
        raise Http404("No dividends or splits")
    context.update(dividend_rows=dividend_rows(context["dividends"]), split_rows=split_rows(context["splits"]))
    return render(request, "public/stock/dividends.html", context)


@require_safe
def analysts(request):
    coverage = selectors.analysts()
    if not coverage:
        raise Http404("No analyst coverage")
    context = {"analysts": coverage, "sections": _pages(request, timezone.now())}
    return render(request, "public/stock/analysts.html", context)
