"""Event publications and replays reach the alerts through the same announcement as releases."""

import pytest
import time_machine
from django.utils import translation

from alerts import topics
from events.services import event_update
from irportal.workflow.signals import state_changed
from irportal.workflow.sweep import run_sweep
from tests.events.builders import make_event, published
from tests.factories import make_company

pytestmark = pytest.mark.django_db


@pytest.fixture
def heard():
    changes = []

    def listener(sender, kind, item_id, transition, **kwargs):
        changes.append((kind, item_id, transition))

    state_changed.connect(listener)
    yield changes
    state_changed.disconnect(listener)


def test_the_sweep_announces_a_replay_that_became_available(
    company, author, approver, heard, django_capture_on_commit_callbacks
):
    event = published(make_event(author, replay_url="https://webcast.example/hlvi/replay"), author, approver)
    with time_machine.travel(event.replay_available_at, tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            run_sweep()
        alert = topics.event_replay_alert(event.pk)
    assert ("event", event.pk, "replay_publish") in heard
    assert topics.topic_for("event", "replay_publish") is not None
    assert "webcast replay" in alert.subject
    assert event.get_absolute_url() in alert.url


def test_no_replay_alert_before_the_replay_is_available(company, author, approver):
    event = published(make_event(author, replay_url="https://webcast.example/hlvi/replay"), author, approver)
    with time_machine.travel(event.replay_available_at.timestamp() - 1, tick=False):
        assert topics.event_replay_alert(event.pk) is None


def test_an_event_alert_in_french_says_when_as_french_wires_do_and_links_the_french_page(author, approver):
    make_company(disclosure_languages=["en", "fr"])
    event = make_event(author)
    french = {
        "title": "Présentation à la Conférence technologique d'hiver",
        "organizer": "Conférence technologique d'hiver",
        "location": "Scottsdale (Arizona)",
        "presenters": [{"name": "Ingrid Halvorsen", "title": "présidente et chef de la direction"}],
    }
    event = event_update(actor=author, pk=event.pk, base_version=event.version, translations={"fr": french})
    event = published(event, author, approver)
    with translation.override("fr"):
        alert = topics.event_alert(event.pk)
    assert alert.url == f"http://127.0.0.1:8000/fr/investors/events/{event.slug}/"
    when = "le mardi 8 décembre 2026 à 9\N{NO-BREAK SPACE}h HNR"
    assert alert.title == f"Présentation à la Conférence technologique d'hiver, {when}"
    assert alert.summary == (
        f"Présentation à la Conférence technologique d'hiver, {when}. "
        "Les détails et le lien de la webdiffusion se trouvent sur la page de l'événement."
    )
