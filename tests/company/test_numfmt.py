"""Amounts as people read them: English as the pages always wrote it; French as Canadian French wires write it,
with a decimal comma, narrow no-break spaces between thousands and the unit after the number."""

from decimal import Decimal

import pytest
from django.template import Context, Template
from django.template.defaultfilters import filesizeformat
from django.utils import translation

from company import numfmt

NB = "\N{NO-BREAK SPACE}"
NARROW = "\N{NARROW NO-BREAK SPACE}"


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", ["1,234,567.46", "USD 0.2475", "CAD 10", "$1,234.5 million", "CA$412.3 million", "-3.46%", "1.13%"]),
        (
            "fr",
            [
                f"1{NARROW}234{NARROW}567,46",
                f"0,2475{NB}${NB}US",
                f"10,00{NB}$",
                f"1{NARROW}234,5{NB}M${NB}US",
                f"412,3{NB}M$",
                f"-3,46{NB}%",
                f"1,13{NB}%",
            ],
        ),
    ],
)
def test_amounts_in_each_language(language, expected):
    with translation.override(language):
        written = [
            numfmt.number(Decimal("1234567.456"), 2),
            numfmt.money(Decimal("0.247500"), "USD"),
            numfmt.money(Decimal("10.000000"), "CAD"),
            numfmt.millions(Decimal("1234.5"), "USD"),
            numfmt.millions(412.3, "CAD"),
            numfmt.percent(Decimal("-3.456")),
            numfmt.percent(Decimal("1.125")),
        ]
    assert written == expected


def test_the_templates_filters_write_the_pages_language():
    page = Template("{% load company_numbers %}{{ amount|money:'USD' }} {{ change|percent }}{{ nothing|percent }}")
    context = Context({"amount": Decimal("0.240000"), "change": Decimal("0.5"), "nothing": None})
    assert page.render(context) == "USD 0.24 0.50%"
    with translation.override("fr"):
        assert page.render(context) == f"0,24{NB}${NB}US 0,50{NB}%"


def test_a_lists_file_size_writer_writes_each_size_as_filesizeformat_does():
    """Units and separator are looked up once for a list; each size is the one Django's filter writes."""
    sizes = [None, "", -5, 0, 1, 1023, 1024, 1075, 1076, 52_000, 1_048_063, 1_048_575, 1 << 20, 4_300_000]
    sizes += [(1 << 30) - 1, 1 << 30, 7 << 30, (1 << 40) - 1, 1 << 40, 3 << 50, *range(1000, 3_000_000, 997)]
    for language in ("en", "fr"):
        with translation.override(language):
            write = numfmt.file_size_writer()
            assert [write(size) for size in sizes] == [filesizeformat(size) for size in sizes]
