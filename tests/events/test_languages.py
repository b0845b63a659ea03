"""Events in every disclosure language: written on the console, required before approval, read in the language
of the page and of the calendar."""

import pytest
import time_machine
from django.urls import reverse
from django.utils.html import escape
from icalendar import Calendar

from events.models import Event
from events.services import event_update
from events.workflow import event_approve, event_publish, event_submit
from irportal.workflow.engine import TransitionNotAllowed
from irportal.workflow.models import State
from tests.events.builders import START, event_fields, make_event
from tests.factories import fresh_step_up, sign_in

pytestmark = pytest.mark.django_db

FRENCH = {
    "title": "Présentation à la Conférence technologique d'hiver",
    "organizer": "Conférence technologique d'hiver",
    "location": "Scottsdale (Arizona)",
    "presenters": [{"name": "Ingrid Halvorsen", "title": "présidente et chef de la direction"}],
    "description": "Une présentation suivie d'une période de questions.",
}


@pytest.fixture
def bilingual(company):
    company.disclosure_languages = ["en", "fr"]
    company.save()
    return company


def in_french(event, author, **french):
    event = Event.objects.get(pk=event.pk)
    return event_update(actor=author, pk=event.pk, base_version=event.version, translations={"fr": FRENCH | french})


def submitted(event, author):
    return event_submit(event_id=event.pk, actor=author)


def test_approval_is_refused_while_the_french_text_is_missing_and_allowed_with_it(bilingual, author, approver):
    event = make_event(author, description="A presentation followed by questions.")
    submitted(event, author)
    with pytest.raises(TransitionNotAllowed, match="French text missing: Title, Conference or organizer, Location"):
        event_approve(event_id=event.pk, actor=approver, step_up=fresh_step_up())
    assert Event.objects.get(pk=event.pk).status == State.IN_REVIEW
    in_french(event, author)
    submitted(event, author)
    assert event_approve(event_id=event.pk, actor=approver, step_up=fresh_step_up()).status == State.APPROVED


def test_the_french_text_is_in_the_revision_presenters_cleaned_as_the_english_are(bilingual, author):
    event = in_french(
        make_event(author),
        author,
        presenters=[{"name": " Ingrid Halvorsen ", "title": " présidente "}, {"name": " ", "title": "personne"}],
    )
    french = event.revisions.get(number=event.version).content["translations"]["fr"]
    assert french["presenters"] == [{"name": "Ingrid Halvorsen", "title": "présidente"}]
    assert french["location"] == "Scottsdale (Arizona)"


def form_data(**overrides) -> dict:
    fields = event_fields(**overrides)
    return {
        "slug": fields["slug"],
        "title": fields["title"],
        "kind": fields["kind"],
        "organizer": fields["organizer"],
        "time_zone": fields["time_zone"],
        "starts_local": "2026-12-08T09:00",
        "ends_local": "2026-12-08T09:45",
        "location": fields["location"],
        "presenters": "Ingrid Halvorsen, President and CEO",
        "webcast_url": fields["webcast_url"],
        "description": "",
        "replay_days": "7",
    }


def test_the_console_form_has_the_french_fields_and_saves_them(client, bilingual, author):
    sign_in(client, author)
    create = reverse("console:create", kwargs={"kind": "events"})
    page = client.get(create).content.decode()
    for name in ("title", "organizer", "location", "presenters", "description"):
        assert f'name="fr-{name}"' in page
    assert 'name="fr-webcast_url"' not in page
    french = {
        "fr-title": FRENCH["title"],
        "fr-organizer": FRENCH["organizer"],
        "fr-location": FRENCH["location"],
        "fr-presenters": "Ingrid Halvorsen, présidente et chef de la direction\n\n",
        "fr-description": "",
    }
    with time_machine.travel(START.replace(month=11), tick=False):
        response = client.post(create, form_data() | french)
    assert response.status_code == 302
    event = Event.objects.get()
    assert event.translations["fr"]["presenters"] == FRENCH["presenters"]
    edit = client.get(reverse("console:edit", kwargs={"kind": "events", "pk": event.pk})).content.decode()
    assert "Ingrid Halvorsen, présidente et chef de la direction</textarea>" in edit


@pytest.fixture
def public_event(bilingual, author, approver):
    event = in_french(make_event(author, description="A presentation followed by questions."), author)
    submitted(event, author)
    event_approve(event_id=event.pk, actor=approver, step_up=fresh_step_up())
    return event_publish(event_id=event.pk, actor=approver, step_up=fresh_step_up())


def test_the_french_event_page_reads_the_french_text_and_the_english_one_the_english(client, public_event):
    with time_machine.travel(START.replace(month=11), tick=False):
        french = client.get(f"/fr/investors/events/{public_event.slug}/").content.decode()
        english = client.get(f"/investors/events/{public_event.slug}/").content.decode()
    assert escape(FRENCH["title"]) in french and escape(FRENCH["description"]) in french
    assert "Scottsdale (Arizona)" in french and "présidente et chef de la direction" in french
    assert "Presentation at the Winter Technology Conference" not in french
    assert "Presentation at the Winter Technology Conference" in english and "Scottsdale, Ariz." in english
    assert "Scottsdale (Arizona)" not in english


def test_the_french_calendars_read_the_french_text(client, public_event):
    with time_machine.travel(START.replace(month=11), tick=False):
        for path in (f"/fr/investors/events/{public_event.slug}.ics", "/fr/investors/events.ics"):
            entry = next(iter(Calendar.from_ical(client.get(path).content).walk("VEVENT")))
            assert str(entry["summary"]) == "Présentation à la Conférence technologique d'hiver"
            assert str(entry["location"]) == "Scottsdale (Arizona)"
            assert "Ingrid Halvorsen, présidente et chef de la direction" in str(entry["description"])
        english = client.get(f"/investors/events/{public_event.slug}.ics").content
    entry = next(iter(Calendar.from_ical(english).walk("VEVENT")))
    assert str(entry["summary"]) == "Presentation at the Winter Technology Conference"
    assert "Presenter: Ingrid Halvorsen, President and CEO" in str(entry["description"])
