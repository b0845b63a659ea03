"""The events console in a browser: an event through the workflow, then its announcement as a release."""

import re
import zoneinfo
from datetime import datetime, time, timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from events.models import Event
from events.services import event_replay_window_change
from irportal.accounts.roles import IR_APPROVER, IR_AUTHOR
from irportal.workflow.models import State
from releases.checks import CODES as EVERY_WARNING
from releases.models import Release
from releases.workflow import release_approve, release_publish, release_submit
from tests.browser.conftest import sign_in
from tests.events.builders import make_event, published
from tests.factories import PASSWORD, UserFactory, make_approval_step, make_company

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHOENIX, NEW_YORK = zoneinfo.ZoneInfo("America/Phoenix"), zoneinfo.ZoneInfo("America/New_York")
MONTHS = ["Jan.", "Feb.", "March", "April", "May", "June", "July", "Aug.", "Sept.", "Oct.", "Nov.", "Dec."]


@pytest.fixture
def people():
    make_approval_step()
    make_company(home_time_zone="America/New_York")
    return UserFactory(roles=[IR_AUTHOR]), UserFactory(roles=[IR_APPROVER])


def _nine_am_in_phoenix(days_ahead: int) -> datetime:
    day = timezone.now().astimezone(PHOENIX).date() + timedelta(days=days_ahead)
    return datetime.combine(day, time(9, 0), PHOENIX)


def _expected_bullet(event, starts: datetime, conference: str, city: str, presenter: str) -> str:
    """The bullet's markup in wire order: conference (linked to its page), time in the company's zone and the
    event's, date, city, then the presenter."""
    new_york = starts.astimezone(NEW_YORK)
    home = "12:00 pm EDT" if new_york.hour == 12 else "11:00 am EST"
    date = f"{starts:%A}, {MONTHS[starts.month - 1]} {starts.day}, {starts.year}"
    link = f'<a href="http://127.0.0.1:8000/investors/events/{event.slug}/" rel="noopener noreferrer nofollow">'
    return f"{link}<strong>{conference}</strong></a>, {home}/9:00 am MST, {date}, {city}<br>Presenter: {presenter}"


def _as_read(bullet: str) -> str:
    return re.sub(r"<(?!br>)[^>]+>", "", bullet).replace("<br>", "\n")


def test_an_author_creates_an_event_and_an_approver_publishes_it(page, people):
    author, approver = people
    starts = _nine_am_in_phoenix(20)
    sign_in(page, author.username, PASSWORD)
    page.goto("/staff/events/new/")
    expect(page.get_by_label("Time zone")).to_have_value("America/New_York")  # the company's zone
    page.get_by_label("Title").fill("Presentation at the Mountain West Investor Forum")
    address = page.get_by_label("Address (slug)")
    expect(address).to_have_value("presentation-at-the-mountain-west-investor-forum")
    address.fill("mountain-west-investor-forum")
    page.get_by_label("Title").fill("Presentation at the Mountain West Investor Forum 2026")
    expect(address).to_have_value("mountain-west-investor-forum")  # typed by hand: the title no longer changes it
    page.get_by_label("Conference or organizer").fill("Mountain West Investor Forum")
    page.get_by_label("Time zone").select_option("America/Phoenix")
    page.get_by_label("Starts (local time)").fill(f"{starts:%Y-%m-%dT%H:%M}")
    page.get_by_label("Ends (local time)").fill(f"{starts + timedelta(minutes=40):%Y-%m-%dT%H:%M}")
    page.get_by_label("Location").fill("Phoenix, Ariz.")
    page.get_by_label("Presenters").fill("Ingrid Halvorsen, President and CEO")
    page.get_by_label("Live webcast link").fill("https://webcast.example/hlvi/mountain-west")
    page.get_by_role("button", name="Save").click()
    page.get_by_role("button", name="Submit for review").click()
    expect(page.get_by_test_id("status")).to_have_text("In review")
    event_url = page.url
    page.get_by_role("button", name="Sign out").click()

    sign_in(page, approver.username, PASSWORD)
    page.goto(event_url)
    page.get_by_role("button", name="Approve").click()
    expect(page.get_by_test_id("status")).to_have_text("Approved")
    page.get_by_role("button", name="Publish now").click()
    expect(page.get_by_test_id("status")).to_have_text("Published")
    page.goto("/investors/events/")
    listing = page.get_by_test_id("event-mountain-west-investor-forum")
    expect(listing).to_contain_text("/9:00 am MST")
    expect(listing.get_by_role("link", name="Add to calendar")).to_be_visible()
    assert Event.objects.get().status == State.PUBLISHED


def test_an_announcement_release_repeats_the_events_and_is_published_through_the_workflow(page, people):
    author, approver = people
    first = published(
        make_event(author, starts_at=_nine_am_in_phoenix(10), ends_at=_nine_am_in_phoenix(10) + timedelta(hours=1)),
        author,
        approver,
    )
    second_start = _nine_am_in_phoenix(40)
    second = make_event(
        author,
        title="Presentation at the Desert Capital Markets Day",
        organizer="Desert Capital Markets Day",
        starts_at=second_start,
        location="Tucson, Ariz.",
        presenters=[{"name": "Tomas Brandt", "title": "Chief Financial Officer"}],
    )
    second = published(second, author, approver)
    event_replay_window_change(actor=approver, pk=second.pk, days=30, reason="The host keeps recordings for a month")

    sign_in(page, author.username, PASSWORD)
    page.goto("/staff/events/announce/")
    page.get_by_label(re.compile(rf"{re.escape(first.title)} · ")).check()
    page.get_by_label(re.compile(rf"{re.escape(second.title)} · ")).check()
    page.get_by_label("Dateline city").fill("Phoenix")
    page.get_by_label("Dateline region").fill("Ariz.")
    page.get_by_role("button", name="Preview").click()
    preview = page.get_by_test_id("announcement-preview")
    expect(preview).to_be_visible()
    bullets = [text.strip() for text in preview.get_by_role("listitem").all_inner_texts()]
    expected = [
        _expected_bullet(
            first,
            first.starts_at,
            "Winter Technology Conference",
            "Scottsdale, Ariz.",
            "Ingrid Halvorsen, President and CEO",
        ),
        _expected_bullet(
            second, second_start, "Desert Capital Markets Day", "Tucson, Ariz.", "Tomas Brandt, Chief Financial Officer"
        ),
    ]
    assert bullets == [_as_read(bullet) for bullet in expected]
    replay_sentences = [
        "A replay of the Winter Technology Conference webcast will be available for one week following the event.",
        "A replay of the Desert Capital Markets Day webcast will be available for 30 days following the event.",
    ]
    for sentence in replay_sentences:
        assert sentence in preview.inner_text()
    page.get_by_role("button", name="Create draft release").click()
    expect(page.get_by_text("Draft release created")).to_be_visible()

    release = Release.objects.get()
    assert release.headline == (
        "Halvorsen Instruments, Inc. Announces Webcast of Presentations at Upcoming Investor Conferences"
    )
    release_submit(release_id=release.pk, actor=author)
    release_approve(acknowledged=EVERY_WARNING, release_id=release.pk, actor=approver)
    release = release_publish(release_id=release.pk, actor=approver)
    body = release.live_revision.content["body"]
    assert release.status == State.PUBLISHED
    for bullet in expected:
        assert f"<li>{bullet}</li>" in body
    for sentence in replay_sentences:
        assert sentence in body
    second.refresh_from_db()
    assert second.replay_expires_at - second.replay_available_at == timedelta(days=30)
