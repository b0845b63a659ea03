"""Amounts on the public pages, in the page's language (``company.numfmt``): ``{% load company_numbers %}``.

- ``{{ dividend.amount|money:dividend.currency }}``: ``USD 0.24`` (``0,24 $ US``);
- ``{{ change|percent }}``: ``1.25%`` (``1,25 %``), two decimals.
"""

from django import template

from company import numfmt

register = template.Library()


@register.filter
def money(amount, currency: str) -> str:
    return "" if amount is None else numfmt.money(amount, currency)


@register.filter
def percent(value) -> str:
    return "" if value is None else numfmt.percent(value)
