"""The shared form pieces: control characters out of every staff form's text, dates a zone cannot hold."""

import pytest

from events.forms import EventForm, ReplayUrlForm
from irportal.forms import strip_control_characters
from tests.events.builders import make_event

pytestmark = pytest.mark.django_db


def test_control_characters_are_taken_out_and_multi_line_fields_keep_their_lines():
    assert strip_control_characters("Q3 call\rBEGIN:VEVENT\x00\x1b\x85", multiline=False) == "Q3 callBEGIN:VEVENT"
    assert strip_control_characters("one\r\ntwo\rthree\tfour\x07", multiline=True) == "one\ntwo\nthree\tfour"


def test_an_event_title_with_a_bare_carriage_return_is_saved_without_it(company):
    form = EventForm(
        {
            "slug": "q3-call",
            "title": "Q3 call\rSUMMARY:Dividend cut call",
            "kind": "earnings_call",
            "time_zone": "America/New_York",
            "description": "Dial in\r\nby phone",
            "replay_days": 7,
        }
    )
    assert form.is_valid(), form.errors
    assert form.cleaned_data["title"] == "Q3 callSUMMARY:Dividend cut call"
    assert form.cleaned_data["description"] == "Dial in\nby phone"


@pytest.mark.parametrize("typed", ["9999-12-31T23:00", "0001-01-01T00:00"])
def test_a_date_the_zone_cannot_hold_is_a_form_error(company, author, typed):
    event = make_event(author, time_zone="Asia/Tokyo" if typed.startswith("0001") else "America/New_York")
    form = ReplayUrlForm({"replay_url": "https://webcast.example/r", "available_local": typed}, event=event)
    assert not form.is_valid()
    assert "between the years 1900 and 2999" in str(form.errors)


def test_a_schedule_date_past_the_calendar_is_a_form_error(company):
    from events.forms import ScheduleForm

    form = ScheduleForm({"publish_at": "9999-12-31T23:30"})
    assert not form.is_valid()
    assert "between the years 1900 and 2999" in str(form.errors)
