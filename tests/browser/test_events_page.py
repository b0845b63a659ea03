"""The events page by year and page, in Chromium: axe finds no WCAG 2.1 AA violation, and its year and page
links are reached and followed from the keyboard."""

import datetime as dt

import pytest
from django.utils import timezone

from irportal.accounts.roles import IR_APPROVER, IR_AUTHOR
from tests.browser.test_accessibility import violations
from tests.events.builders import make_event, published
from tests.factories import UserFactory
from tests.investors.test_bounded_pages import add_events, weekly

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def events(workflow_ready):
    author = UserFactory(roles=[IR_AUTHOR], username="avery")
    approver = UserFactory(roles=[IR_APPROVER], username="morgan")
    now = timezone.now()
    upcoming = published(
        make_event(author, slug="next-conference", starts_at=now + dt.timedelta(days=9)), author, approver
    )
    last_year = now.year - 1
    add_events(upcoming, weekly(dt.datetime(last_year, 1, 13, 17, tzinfo=dt.UTC), 25), "past")
    add_events(upcoming, weekly(dt.datetime(last_year - 2, 3, 10, 17, tzinfo=dt.UTC), 2), "older")
    return last_year


def test_the_events_pages_have_no_wcag_violations(page, events):
    for path in ("/investors/events/", f"/investors/events/?year={events}&page=2", "/investors/events/?year=1999"):
        assert violations(page, path) == [], path


def test_the_years_and_pages_are_followed_from_the_keyboard(page, events):
    page.goto("/investors/events/")
    years = page.get_by_role("navigation", name="Past events by year")
    assert years.get_by_role("link", name=str(events)).get_attribute("aria-current") == "page"
    pages = page.get_by_role("navigation", name=f"Pages of the past events in {events}")
    older = pages.get_by_role("link", name="Older events")
    older.focus()
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/investors/events/?year={events}&page=2")
    assert page.get_by_role("heading", name=f"Past events in {events}").is_visible()
    assert page.get_by_role("heading", name="Current and upcoming events").count() == 0
    current = page.get_by_role("navigation", name=f"Pages of the past events in {events}").get_by_role(
        "link", name="Page 2"
    )
    assert current.get_attribute("aria-current") == "page"
    page.get_by_role("navigation", name="Past events by year").get_by_role("link", name=str(events - 2)).click()
    assert page.locator("[data-testid^=event-older-]").count() == 2
