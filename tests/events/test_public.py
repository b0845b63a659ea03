from datetime import timedelta

import pytest
import time_machine
from icalendar import Calendar

from company.models import CompanyProfile
from events.services import event_cancel, event_replay_url_set
from events.workflow import event_submit, event_withdraw
from irportal.workflow.sweep import run_sweep
from tests.events.builders import START, make_event, published
from tests.factories import sign_in

pytestmark = pytest.mark.django_db

REPLAY = "https://replay.example/hlvi/winter-2026"
END = START + timedelta(minutes=45)
EXPIRES = END + timedelta(days=7)


def _html(client, path):
    response = client.get(path)
    assert response.status_code == 200
    return response.content.decode()


def _ics(client, path, field):
    """``field`` (DESCRIPTION, SUMMARY) of every entry in the calendar at ``path``."""
    response = client.get(path)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return " | ".join(str(vevent.get(field, "")) for vevent in Calendar.from_ical(response.content).walk("VEVENT"))


def surfaces(calendar_field: str) -> dict:
    """Every public place an event is read, its calendars by ``calendar_field``."""
    return {
        "event page": lambda client, event: _html(client, f"/investors/events/{event.slug}/"),
        "event list": lambda client, event: _html(client, "/investors/events/"),
        "investor page": lambda client, event: _html(client, "/investors/"),
        "event calendar": lambda client, event: _ics(client, f"/investors/events/{event.slug}.ics", calendar_field),
        "events calendar": lambda client, event: _ics(client, "/investors/events.ics", calendar_field),
    }


SURFACES = surfaces("description")


@pytest.fixture
def event_with_replay(author, approver, company):
    event = published(make_event(author), author, approver)
    return event_replay_url_set(actor=approver, pk=event.pk, replay_url=REPLAY)


@pytest.mark.parametrize("swept", [True, False], ids=["with the sweep", "without a worker"])
@pytest.mark.parametrize("surface", SURFACES)
def test_the_replay_link_shows_from_available_to_expiry_to_the_second(client, event_with_replay, surface, swept):
    read = SURFACES[surface]
    checkpoints = [
        (END - timedelta(seconds=1), False),
        (END, True),
        (EXPIRES - timedelta(seconds=1), True),
        (EXPIRES, False),
    ]
    seen = []
    for instant, _expected in checkpoints:
        with time_machine.travel(instant, tick=False):
            if swept:
                run_sweep(instant)
            seen.append(REPLAY in read(client, event_with_replay))
    assert seen == [expected for _instant, expected in checkpoints]


def test_after_expiry_the_pages_say_when_the_replay_expired(client, event_with_replay):
    with time_machine.travel(EXPIRES + timedelta(days=1), tick=False):
        for path in (f"/investors/events/{event_with_replay.slug}/", "/investors/events/"):
            assert "Replay expired on Dec. 15, 2026" in _html(client, path)


def test_while_open_the_replay_says_until_when_in_both_zones(client, event_with_replay):
    with time_machine.travel(END + timedelta(hours=1), tick=False):
        page = _html(client, f"/investors/events/{event_with_replay.slug}/")
    assert "Replay available until Tuesday, Dec. 15, 2026, 11:45 am EST/9:45 am MST" in page


def test_an_upcoming_event_shows_its_time_in_both_zones_its_webcast_and_calendar_link(
    client, author, approver, company
):
    event = published(make_event(author), author, approver)
    with time_machine.travel(START - timedelta(days=1), tick=False):
        page = _html(client, "/investors/events/")
        home = _html(client, "/investors/")
    assert "Tuesday, Dec. 8, 2026, 11:00 am EST/9:00 am MST" in page
    assert "https://webcast.example/hlvi/winter" in page
    assert f"/investors/events/{event.slug}.ics" in page
    assert "https://webcast.example/hlvi/winter" in home


def test_a_past_event_shows_no_live_webcast_link(client, author, approver, company):
    published(make_event(author), author, approver)
    with time_machine.travel(END + timedelta(days=30), tick=False):
        assert "https://webcast.example/hlvi/winter" not in _html(client, "/investors/events/")


def test_a_cancelled_event_stays_public_marked_cancelled_without_links(client, author, approver, company):
    event = published(make_event(author, replay_url=REPLAY), author, approver)
    event_cancel(actor=approver, pk=event.pk, reason="The conference was called off")
    with time_machine.travel(END + timedelta(hours=1), tick=False):
        run_sweep(END + timedelta(hours=1))
        page = _html(client, f"/investors/events/{event.slug}/")
        calendar = client.get(f"/investors/events/{event.slug}.ics").content
    assert "This event has been cancelled" in page
    assert REPLAY not in page and "https://webcast.example/hlvi/winter" not in page
    assert Calendar.from_ical(calendar).walk("VEVENT")[0]["status"] == "CANCELLED"


def _not_found(client, path):
    response = client.get(path)
    return response.status_code, response.content


def test_unpublished_withdrawn_and_unknown_events_answer_the_same_404(client, author, approver, company):
    draft = make_event(author)
    in_review = make_event(author)
    event_submit(event_id=in_review.pk, actor=author)
    withdrawn = published(make_event(author), author, approver)
    event_withdraw(event_id=withdrawn.pk, actor=approver, reason="Posted in error")
    never = _not_found(client, "/investors/events/no-such-event/")
    assert never[0] == 404
    for event in (draft, in_review, withdrawn):
        assert _not_found(client, f"/investors/events/{event.slug}/") == never
        assert client.get(f"/investors/events/{event.slug}.ics").status_code == 404
    page = _html(client, "/investors/events/")
    assert all(event.slug not in page for event in (draft, in_review, withdrawn))


def test_the_public_reads_the_live_revision_while_a_correction_is_in_draft(client, author, approver, company):
    from events.services import event_update

    event = published(make_event(author), author, approver)
    event_update(actor=author, pk=event.pk, base_version=event.version, title="Draft title not yet approved")
    page = _html(client, f"/investors/events/{event.slug}/")
    assert "Presentation at the Winter Technology Conference" in page
    assert "Draft title not yet approved" not in page


def test_public_pages_refuse_writes(client, author, approver, company):
    event = published(make_event(author), author, approver)
    assert client.post(f"/investors/events/{event.slug}/").status_code == 405


NAMING_SURFACES = surfaces("summary")


@pytest.mark.parametrize("surface", NAMING_SURFACES)
def test_the_conference_is_named_once_when_the_title_already_names_it(client, author, approver, company, surface):
    event = published(
        make_event(
            author, title="Presentation at the Winter Technology Conference", organizer="winter TECHNOLOGY conference"
        ),
        author,
        approver,
    )
    with time_machine.travel(START - timedelta(days=1), tick=False):
        text = NAMING_SURFACES[surface](client, event)
    # Every mention of the conference is the one inside the title.
    assert text.count("Presentation at the Winter Technology Conference") >= 1
    assert text.casefold().count("winter technology conference") == text.count(
        "Presentation at the Winter Technology Conference"
    )


@pytest.mark.parametrize("surface", NAMING_SURFACES)
def test_a_conference_the_title_does_not_name_is_shown_beside_it(client, author, approver, company, surface):
    event = published(
        make_event(author, title="Fireside chat with the CFO", organizer="Northeast Growth Conference"),
        author,
        approver,
    )
    with time_machine.travel(START - timedelta(days=1), tick=False):
        text = NAMING_SURFACES[surface](client, event)
    assert "Fireside chat with the CFO" in text
    assert text.count("Northeast Growth Conference") == 1


# -- what the pages said wrong ------------------------------------------------------------------


def test_one_presenter_is_a_presenter_on_every_page_and_calendar(client, author, approver, company):
    event = published(make_event(author), author, approver)
    with time_machine.travel(START - timedelta(days=1), tick=False):
        page = _html(client, f"/investors/events/{event.slug}/")
        listing = _html(client, "/investors/events/")
        calendar = _ics(client, f"/investors/events/{event.slug}.ics", "description")
    assert '<dt class="col-sm-3">Presenter</dt>' in page
    assert "Presenter: Ingrid Halvorsen, President and CEO" in listing
    assert calendar.startswith("Presenter: Ingrid Halvorsen, President and CEO")
    for text in (page, listing, calendar):
        assert "Presenters" not in text


def test_an_event_that_never_had_a_replay_link_never_says_its_replay_expired(client, author, approver, company):
    event = published(make_event(author), author, approver)
    with time_machine.travel(EXPIRES + timedelta(days=1), tick=False):
        run_sweep(EXPIRES + timedelta(days=1))
        sign_in(client, author)
        review = client.get(event.get_staff_url()).content.decode()
        public = _html(client, f"/investors/events/{event.slug}/")
    assert 'data-testid="replay-url">not set yet<' in review
    assert "Replay expired" not in review
    assert "Replay expired" not in public


def test_the_replay_expiry_leads_with_the_companys_zone(client, event_with_replay):
    with time_machine.travel(END + timedelta(hours=1), tick=False):
        page = _html(client, f"/investors/events/{event_with_replay.slug}/")
    assert "Replay available until Tuesday, Dec. 15, 2026, 11:45 am EST/9:45 am MST" in page


@pytest.mark.parametrize("surface", SURFACES)
def test_every_surface_writes_the_replay_window_in_the_companys_date_style(client, event_with_replay, surface):
    CompanyProfile.objects.update(date_style="long")
    with time_machine.travel(END + timedelta(hours=1), tick=False):
        text = SURFACES[surface](client, event_with_replay)
    assert "December 15, 2026, 11:45 am EST" in text
    assert "Dec. 15" not in text and "Dec. 8" not in text
