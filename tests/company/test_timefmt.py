"""One way to write a time: the company's date style, seconds where they were set, the company's zone first."""

from datetime import UTC, date, datetime

import pytest
import time_machine
from django.urls import reverse

from company import timefmt
from events import timefmt as event_time
from tests.events.builders import START, make_event, published
from tests.factories import UserFactory, make_company, make_release, sign_in

EMBARGO_WITH_SECONDS = datetime(2026, 12, 11, 5, 17, 8, tzinfo=UTC)  # 12:17:08 am in New York


def test_a_time_keeps_the_seconds_it_was_set_with_and_adds_none():
    local = EMBARGO_WITH_SECONDS.astimezone(event_time.zone("America/New_York"))
    assert timefmt.clock(local) == "12:17:08 am"
    assert timefmt.clock(local.replace(second=0)) == "12:17 am"


@pytest.mark.parametrize(
    ("style", "expected"),
    [(timefmt.AP, "Friday, Dec. 11, 2026"), (timefmt.LONG, "Friday, December 11, 2026")],
)
def test_dates_are_written_in_the_style_in_force(style, expected):
    with timefmt.override(style):
        assert timefmt.date_text(date(2026, 12, 11), weekday=True) == expected
    assert timefmt.current_style() == timefmt.AP  # none in force: AP style


def test_two_zones_lead_with_the_companys():
    assert event_time.dual_time(START, "America/Phoenix", "America/New_York") == "11:00 am EST/9:00 am MST"


@pytest.mark.django_db
def test_the_staff_pages_write_an_embargo_with_its_seconds(client, author, approver):
    make_company(home_time_zone="America/New_York")
    release = make_release(author, publish_at=EMBARGO_WITH_SECONDS)
    sign_in(client, author)
    page = client.get(reverse("console:detail", kwargs={"kind": "releases", "pk": release.pk})).content.decode()
    assert "embargo <time" in page
    assert "Dec. 11, 2026, 12:17:08 am EST</time>" in page


@pytest.mark.django_db
def test_the_companys_style_is_used_by_the_public_page_the_release_and_the_console(client, author, approver):
    from events.announce import build_announcement

    make_company(home_time_zone="America/New_York", date_style=timefmt.LONG)
    event = published(make_event(author, slug="winter"), author, approver)
    with time_machine.travel(datetime(2026, 11, 30, 12, tzinfo=UTC), tick=False):
        public = client.get("/investors/events/winter/").content.decode()
        sign_in(client, UserFactory(roles=["IR Author"]))
        staff = client.get(reverse("console:list", kwargs={"kind": "events"})).content.decode()
    assert "Tuesday, December 8, 2026, 11:00 am EST/9:00 am MST" in public
    assert "December 8, 2026, 11:00 am EST</time>" in staff
    with timefmt.override(timefmt.LONG):
        bullet = build_announcement([event]).bullets[0]
    assert "11:00 am EST/9:00 am MST, Tuesday, December 8, 2026, Scottsdale, Ariz." in bullet
