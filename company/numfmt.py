"""One way to write an amount, everywhere: prices, dividends, percentages and results in millions.

English is written as the pages always wrote it (``USD 0.24``, ``1.25%``,
``$1,234.5 million``). French, when it is the active language, as Canadian
French wires write it: a decimal comma, a narrow no-break space between
groups of three digits (Django's formats for French,
``irportal/formats/fr/formats.py``), the unit after the number behind a
no-break space (``0,24 $ US``, ``1,25 %``, ``1 234,5 M$``), and the
currency symbols of CLDR's ``fr_CA`` locale (Babel's data: ``$`` is the
Canadian dollar, ``$ US`` the American one).
"""

from collections.abc import Callable
from decimal import Decimal
from functools import cache

from babel.numbers import get_currency_symbol
from django.template.defaultfilters import filesizeformat, floatformat
from django.utils.formats import get_format
from django.utils.translation import gettext

from company.timefmt import FRENCH, NBSP, in_french


def number(value, places: int) -> str:
    """``1,234.50`` (``1 234,50``): rounded half up to ``places`` decimals, digits grouped by three."""
    return str(floatformat(value, f"{places}g"))


def file_size_writer() -> Callable[[int], str]:
    """Django's ``filesizeformat`` for a list of files (``13.0 KB``, ``4.1 MB``; ``4,1 Mo``): the units translated
    and the decimal separator looked up once for the list, not for each file. A size under a kilobyte, from a
    terabyte up, or not a number is written by ``filesizeformat`` itself."""
    units = ((1 << 30, gettext("%s GB")), (1 << 20, gettext("%s MB")), (1 << 10, gettext("%s KB")))
    separator = get_format("DECIMAL_SEPARATOR")

    def write(size) -> str:
        if isinstance(size, int) and 1 << 10 <= size < 1 << 40:
            unit, text = next(each for each in units if size >= each[0])
            return (text % f"{round(size / unit, 1):.1f}".replace(".", separator)).replace(" ", NBSP)
        return filesizeformat(size)

    return write


def money(amount: Decimal, currency: str) -> str:
    """An amount per share, every decimal it was declared with: ``USD 0.2475`` (``0,2475 $ US``).

    French writes at least the two decimals of a price (``1,00 $``), as CLDR's currency pattern does: every decimal
    is kept, none rounded, so the digits are ``number``'s without its rounding, in French's separators."""
    amount = amount.normalize()
    if not in_french():
        return f"{currency} {amount:f}"
    places = max(2, -amount.as_tuple().exponent)
    digits = f"{amount:,.{places}f}".translate(_french_separators())
    return f"{digits}{NBSP}{_symbol(currency, FRENCH)}"


@cache
def _french_separators() -> dict[int, str]:
    """Python's ``1,234.5`` written with Django's formats for French (``1 234,5``)."""
    return str.maketrans(
        {",": get_format("THOUSAND_SEPARATOR", lang="fr"), ".": get_format("DECIMAL_SEPARATOR", lang="fr")}
    )


def millions(amount, currency: str, places: int = 1) -> str:
    """An amount in millions: ``$1,234.5 million`` (``1 234,5 M$``; ``1 234,5 M$ US`` for American dollars)."""
    if in_french():
        return f"{number(amount, places)}{NBSP}M{_symbol(currency, FRENCH)}"
    return f"{_symbol(currency, 'en')}{number(amount, places)} million"


@cache
def _symbol(currency: str, locale) -> str:
    """CLDR's symbol of ``currency`` in ``locale`` (``$ US`` in Canadian French), looked up once per process."""
    return get_currency_symbol(currency, locale=locale)


def percent(value, places: int = 2) -> str:
    """``1.25%`` (``1,25 %``)."""
    return f"{number(value, places)}{NBSP}%" if in_french() else f"{number(value, places)}%"
