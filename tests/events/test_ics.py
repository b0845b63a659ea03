"""Calendar entries: every one has an end, the event's own or the stated default duration."""

from datetime import timedelta

import pytest
from icalendar import Calendar

from events.ics import DEFAULT_DURATION
from tests.events.builders import START, make_event, published

pytestmark = pytest.mark.django_db


def vevent(client, event):
    return Calendar.from_ical(client.get(f"/investors/events/{event.slug}.ics").content).walk("VEVENT")[0]


def test_an_event_without_an_end_lasts_the_default_duration_in_calendars(client, author, approver, company):
    event = published(make_event(author, ends_at=None), author, approver)
    entry = vevent(client, event)
    assert timedelta(hours=1) == DEFAULT_DURATION
    assert entry.decoded("dtend") == START + DEFAULT_DURATION
    assert entry["dtend"].params["TZID"] == "America/Phoenix"


def test_an_event_with_an_end_keeps_it(client, author, approver, company):
    event = published(make_event(author, ends_at=START + timedelta(minutes=40)), author, approver)
    assert vevent(client, event).decoded("dtend") == START + timedelta(minutes=40)
