"""The filings page in a browser: filtered by form group, and accessible."""

import datetime as dt

import pytest

from tests.browser.test_accessibility import violations
from tests.factories import make_company
from tests.investors.test_filings import make_filing

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def filings(transactional_db):
    make_company(cik="0001990217")
    make_filing(1, form="10-K", filed=dt.date(2026, 2, 12), description="Annual report", is_xbrl=True)
    make_filing(2, form="8-K", filed=dt.date(2026, 2, 24), description="Results of operations")
    make_filing(3, form="4", filed=dt.date(2026, 2, 20))
    make_filing(4, form="10-Q", filed=dt.date(2025, 11, 6), report_date=dt.date(2025, 9, 30))


def shown_forms(page) -> list[str]:
    return page.get_by_test_id("filings").locator("tbody th").all_inner_texts()


def test_the_filings_page_filters_by_form_group(page, filings):
    page.goto("/investors/filings/")
    assert shown_forms(page) == ["8-K", "4", "10-K", "10-Q"]

    page.get_by_label("Form group").select_option(label="Annual and quarterly reports")
    page.get_by_role("button", name="Show").click()

    page.wait_for_url("**/investors/filings/?group=periodic*")
    assert shown_forms(page) == ["10-K", "10-Q"]
    assert page.get_by_label("Form group").input_value() == "periodic"
    page.get_by_label("Year").select_option("2025")
    page.get_by_role("button", name="Show").click()
    page.wait_for_url("**year=2025*")
    assert shown_forms(page) == ["10-Q"]


def test_the_filings_page_has_no_accessibility_violations(page, filings):
    assert violations(page, "/investors/filings/") == []
    assert violations(page, "/investors/filings/?group=ownership") == []
    assert violations(page, "/investors/") == []  # with its latest filings
