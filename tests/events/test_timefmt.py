from datetime import UTC, datetime, timedelta

import pytest
from django.utils import translation
from icalendar import Calendar

from events import timefmt
from events.content import EventDocument, Wording
from events.models import Event
from tests.events.builders import make_event, published

# US clocks go forward on Sunday, March 14, 2027; Arizona (America/Phoenix) stays on MST.
BEFORE_DST = datetime(2027, 3, 9, 16, 0, tzinfo=UTC)  # 9:00 am in Phoenix
AFTER_DST = datetime(2027, 3, 16, 16, 0, tzinfo=UTC)  # 9:00 am in Phoenix


@pytest.mark.parametrize(
    ("instant", "expected"),
    [
        (BEFORE_DST, "11:00 am EST/9:00 am MST"),
        (AFTER_DST, "12:00 pm EDT/9:00 am MST"),
        (datetime(2026, 11, 1, 16, 0, tzinfo=UTC), "11:00 am EST/9:00 am MST"),
        (datetime(2026, 10, 31, 16, 0, tzinfo=UTC), "12:00 pm EDT/9:00 am MST"),
    ],
)
def test_a_phoenix_time_in_new_york_on_both_sides_of_daylight_saving(instant, expected):
    assert timefmt.dual_time(instant, "America/Phoenix", "America/New_York") == expected


def test_one_zone_is_printed_once_and_a_different_home_date_is_named():
    assert timefmt.dual_time(BEFORE_DST, "America/New_York", "America/New_York") == "11:00 am EST"
    tokyo_morning = datetime(2026, 12, 8, 0, 30, tzinfo=UTC)
    assert timefmt.dual_time(tokyo_morning, "Asia/Tokyo", "America/New_York") == "7:30 pm EST (Dec. 7)/9:30 am JST"


@pytest.mark.django_db
@pytest.mark.parametrize("instant", [BEFORE_DST, AFTER_DST], ids=["before DST", "after DST"])
def test_the_event_page_and_its_calendar_agree_across_daylight_saving(client, author, approver, company, instant):
    event = published(make_event(author, starts_at=instant), author, approver)
    expected = timefmt.dual_time(instant, "America/Phoenix", "America/New_York")
    assert expected in client.get(f"/investors/events/{event.slug}/").content.decode()
    calendar = Calendar.from_ical(client.get(f"/investors/events/{event.slug}.ics").content)
    vevent = calendar.walk("VEVENT")[0]
    start = vevent.decoded("dtstart")
    assert start == instant
    assert start.utcoffset().total_seconds() == -7 * 3600
    assert vevent["dtstart"].params["TZID"] == "America/Phoenix"
    assert [tz["tzid"] for tz in calendar.walk("VTIMEZONE")] == ["America/Phoenix"]
    assert vevent.decoded("dtend") == instant.replace(minute=45)


NB = "\N{NO-BREAK SPACE}"


def _document(wording=None):
    content = {
        "starts_at": BEFORE_DST.isoformat(),
        "ends_at": (BEFORE_DST + timedelta(hours=1)).isoformat(),
        "time_zone": "America/Phoenix",
        "presenters": [{"name": "Ingrid Halvorsen"}, {"name": "Raj Patel"}],
    }
    return EventDocument(Event(slug="fireside"), content, now=AFTER_DST, home_zone="America/New_York", wording=wording)


def test_a_lists_events_are_written_in_the_language_the_list_was_read_in():
    """A list's ``Wording`` is read once, in the page's language, and every event of the list says its words; an
    event read alone says the active language's when asked."""
    with translation.override("fr"):
        french = Wording()
    listed, alone = _document(french), _document()
    assert listed.when == f"mardi 9 mars 2027 à 11{NB}h HNE/9{NB}h HNR jusqu'à 12{NB}h HNE/10{NB}h HNR"
    assert listed.presenter_label == "Présentateurs"
    assert alone.when == "Tuesday, March 9, 2027, 11:00 am EST/9:00 am MST to 12:00 pm EST/10:00 am MST"
    assert alone.presenter_label == "Presenters"
    with translation.override("fr"):
        assert alone.when == listed.when
