"""The gate: an approved item held past its embargo is on no public surface until the gate opens, to the second.

A gate is registered by an app above the workflow (the newswire holds a release until the wire has carried
it); here a test gate holds every release, event and document, so the rule is shown for every kind. The
rule is read time, like the embargo: no page, feed, calendar, sitemap, search result or alert mail shows a
held item, with or without the sweep, on SQLite and PostgreSQL alike.
"""

import datetime as dt

import pytest
import time_machine
from django.db import transaction
from django.utils import timezone

from alerts.topics import document_alert, event_alert, release_alert
from events.models import Event
from events.workflow import EVENT, event_approve, event_submit
from irportal.audit.models import AuditEntry
from irportal.workflow import engine
from irportal.workflow.engine import Gate
from irportal.workflow.models import OutboxMessage, Publication, State, public_changed_moment
from irportal.workflow.selectors import next_embargo
from irportal.workflow.sweep import lag_seconds, run_sweep
from releases.checks import CODES as EVERY_RELEASE_WARNING
from releases.models import Release
from releases.services import release_update
from releases.workflow import RELEASE, release_approve, release_publish, release_schedule, release_submit
from reports.checks import CODES as EVERY_DOCUMENT_WARNING
from reports.models import Document
from reports.workflow import DOCUMENT, document_approve, document_submit
from tests.events.builders import make_event
from tests.factories import fresh_step_up, make_release
from tests.reports.builders import make_document

pytestmark = pytest.mark.django_db

SPECS = {Release: RELEASE, Event: EVENT, Document: DOCUMENT}


@pytest.fixture
def gate():
    """A gate that holds every release, event and document; records each time a transition shut it."""
    shut = []
    saved = dict(engine._GATES)

    def closed(*, item, actor, transition):
        shut.append((type(item).__name__, item.pk, transition))
        return {"gate": "test"}

    for kind in ("release", "event", "document"):
        engine.register_gate(Gate(kind=kind, holds=lambda item: True, closed=closed, note=lambda item: "Held."))
    yield shut
    engine._GATES.clear()
    engine._GATES.update(saved)


@pytest.fixture
def held(company, author, approver, gate):
    """A release, an event and a results document approved for one embargo, each held at the gate."""
    embargo = timezone.now().replace(microsecond=0) + dt.timedelta(hours=2)
    release = make_release(author, slug="q3-2026-results", headline="Halvorsen Reports Third Quarter Results")
    release_submit(release_id=release.pk, actor=author)
    release_approve(release_id=release.pk, actor=approver, acknowledged=EVERY_RELEASE_WARNING, publish_at=embargo)
    event = make_event(
        author, slug="q3-call", title="Third quarter results call", starts_at=embargo + dt.timedelta(days=1)
    )
    event_submit(event_id=event.pk, actor=author)
    event_approve(event_id=event.pk, actor=approver, publish_at=embargo, step_up=fresh_step_up())
    document = make_document(author, slug="q3-fy2026-results")
    document_submit(document_id=document.pk, actor=author)
    document_approve(document_id=document.pk, actor=approver, acknowledged=EVERY_DOCUMENT_WARNING, publish_at=embargo)
    items = [Release.objects.get(pk=release.pk), Event.objects.get(pk=event.pk), Document.objects.get(pk=document.pk)]
    return {"embargo": embargo, "items": items}


def surfaces(held) -> dict[str, str]:
    """Every public address where one of the held items could show: (path -> what it would show)."""
    release, event, document = held["items"]
    return {
        "/investors/": release.headline,
        "/investors/news/": release.headline,
        "/investors/news/?q=third+quarter": release.headline,
        f"/investors/news/{release.slug}/": release.headline,
        "/investors/news/feed/": release.headline,
        "/sitemap-news.xml": f"/investors/news/{release.slug}/",
        "/investors/events/": event.title,
        f"/investors/events/{event.slug}/": event.title,
        f"/investors/events/{event.slug}.ics": event.title,
        "/investors/events.ics": event.title,
        "/investors/financials/": document.title,
        document.get_absolute_url(): document.title,
    }


def alerts(held) -> list:
    """What each item's alert mail would say now (None: nothing is sent)."""
    release, event, document = held["items"]
    return [release_alert(release.pk), event_alert(event.pk), document_alert(document.pk)]


def assert_nowhere(client, held, moment):
    with time_machine.travel(moment, tick=False):
        for path, shown in surfaces(held).items():
            response = client.get(path)
            assert response.status_code in (200, 404), path
            assert shown not in response.content.decode(), (path, moment)
            if path.count("/") > 3 and "?" not in path and not path.endswith("feed/"):  # the item's own page
                assert response.status_code == 404, path
        assert alerts(held) == [None, None, None], moment
        for model in SPECS:
            assert not model.objects.public(moment).exists(), moment
            assert [item.public_revision(moment) for item in model.objects.all()] == [None]


def assert_everywhere(client, held, moment):
    with time_machine.travel(moment, tick=False):
        for path, shown in surfaces(held).items():
            response = client.get(path)
            assert response.status_code == 200, path
            assert shown in response.content.decode(), (path, moment)
        assert None not in alerts(held), moment


def open_gates(held, at):
    """What the gate's owner does when it opens (the wire's confirmation): under the row lock, at that moment."""
    with time_machine.travel(at, tick=False), transaction.atomic():
        for item in held["items"]:
            spec = SPECS[type(item)]
            assert engine.open_gate(spec, spec.model.objects.select_for_update().get(pk=item.pk), at=at)


def test_a_held_item_is_on_no_surface_at_or_after_its_embargo_and_everywhere_at_the_gates_second(
    client, held, django_capture_on_commit_callbacks
):
    embargo = held["embargo"]
    for moment in (embargo - dt.timedelta(seconds=1), embargo, embargo + dt.timedelta(minutes=7)):
        assert_nowhere(client, held, moment)
    # The sweep at and after the embargo finds nothing due: a held item is not published, and nothing is late.
    for moment in (embargo, embargo + dt.timedelta(minutes=7)):
        assert all(ids == [] for ids in run_sweep(moment).values())
        assert lag_seconds(moment) == 0.0

    opened = embargo + dt.timedelta(minutes=7, seconds=30)
    with django_capture_on_commit_callbacks(execute=True):
        open_gates(held, opened)
    # The opening was announced (the public cache starts a new generation): the pages cached above are gone.
    assert OutboxMessage.objects.filter(payload__transition="gate_open").count() >= 3
    assert_nowhere(client, held, opened - dt.timedelta(seconds=1))
    assert_everywhere(client, held, opened)
    assert lag_seconds(opened + dt.timedelta(seconds=20)) == 20.0

    # The sweep publishes each item as of the gate's second, once, as the system.
    changed = run_sweep(opened + dt.timedelta(seconds=20))
    parts = ("releases.publish", "events.publish", "reports.publish", "packages.publish")
    assert [len(changed[name]) for name in parts] == [1, 1, 1, 0]  # no package holds them
    for item in held["items"]:
        item.refresh_from_db()
        assert item.status == State.PUBLISHED
        assert item.first_published_at == item.last_published_at == opened
        assert (
            Publication.objects.get(object_id=item.pk, content_type__model=type(item).__name__.lower()).published_at
            == opened
        )
    assert_everywhere(client, held, opened + dt.timedelta(days=1))


def test_the_rule_holds_the_item_to_the_second_in_every_reading(held):
    release = held["items"][0]
    embargo = held["embargo"]
    opened = embargo + dt.timedelta(minutes=3)
    Release.objects.filter(pk=release.pk).update(gate_opens_at=opened)
    release.refresh_from_db()
    for moment, public in ((embargo, False), (opened - dt.timedelta(seconds=1), False), (opened, True)):
        assert release.is_due(moment) is public
        assert (release.public_revision(moment) is not None) is public
        assert Release.objects.public(moment).filter(pk=release.pk).exists() is public
    assert release.opens_at == opened
    assert Release.objects.filter(pk=release.pk).values_list(public_changed_moment(opened), flat=True).get() == opened
    # A gate that opened before the embargo leaves the embargo as the second.
    Release.objects.filter(pk=release.pk).update(gate_opens_at=embargo - dt.timedelta(minutes=20))
    release.refresh_from_db()
    assert not release.is_due(embargo - dt.timedelta(seconds=1)) and release.is_due(embargo)
    assert release.opens_at == embargo


def test_the_public_cache_keeps_no_copy_past_a_gate_opening(held):
    release = held["items"][0]
    opened = held["embargo"] + dt.timedelta(minutes=3)
    Release.objects.filter(pk=release.pk).update(gate_opens_at=opened)
    Event.objects.all().update(held=False)  # only the release's moment counts here
    Document.objects.all().update(held=False)
    assert next_embargo(held["embargo"] + dt.timedelta(seconds=1)) == opened


def test_each_transition_that_sets_an_embargo_shuts_the_gate_and_says_so(company, author, approver, gate):
    release = make_release(author)
    release_submit(release_id=release.pk, actor=author)
    approved = release_approve(release_id=release.pk, actor=approver, acknowledged=EVERY_RELEASE_WARNING)
    assert approved.held and approved.transition_notes == ["Held."]
    assert gate == []  # no embargo yet: nothing to send
    embargo = timezone.now() + dt.timedelta(hours=1)
    Release.objects.filter(pk=release.pk).update(gate_opens_at=timezone.now())  # opened for an earlier embargo
    release_schedule(release_id=release.pk, actor=approver, publish_at=embargo, step_up=fresh_step_up())
    release.refresh_from_db()
    assert release.held and release.gate_opens_at is None  # a new embargo: the gate shuts again
    entry = AuditEntry.objects.filter(action="release.schedule").latest("sequence")
    assert entry.data["held"] is True and entry.data["gate"] == "test"
    assert gate == [("Release", release.pk, "schedule")]


def test_publish_now_of_a_held_item_makes_now_its_embargo_and_waits_for_the_gate(company, author, approver, gate):
    release = make_release(author)
    release_submit(release_id=release.pk, actor=author)
    release_approve(release_id=release.pk, actor=approver, acknowledged=EVERY_RELEASE_WARNING)
    at = timezone.now().replace(microsecond=0) + dt.timedelta(minutes=1)
    with time_machine.travel(at, tick=False):
        result = release_publish(release_id=release.pk, actor=approver, step_up=fresh_step_up())
    assert result.status == State.APPROVED and result.publish_at == at and result.held
    assert not Release.objects.public(at + dt.timedelta(hours=1)).exists()
    entry = AuditEntry.objects.filter(object_id=str(release.pk)).latest("sequence")
    assert entry.action == "release.schedule" and entry.data["published_now"] is True
    assert not AuditEntry.objects.filter(action="release.publish").exists()  # the insider list stays open
    assert gate == [("Release", release.pk, "publish")]


def test_an_edit_of_a_held_approval_leaves_no_gate_behind(held, author):
    release = held["items"][0]
    release_update(actor=author, pk=release.pk, base_version=release.version, headline="A new headline")
    release.refresh_from_db()
    assert release.status == State.DRAFT and not release.held and release.gate_opens_at is None


def test_without_a_gate_nothing_is_held(company, author, approver, monkeypatch):
    monkeypatch.setattr(engine, "_GATES", {})
    release = make_release(author)
    release_submit(release_id=release.pk, actor=author)
    embargo = timezone.now() + dt.timedelta(hours=1)
    approved = release_approve(
        release_id=release.pk, actor=approver, acknowledged=EVERY_RELEASE_WARNING, publish_at=embargo
    )
    assert not approved.held and not hasattr(approved, "transition_notes")
    assert Release.objects.public(embargo).filter(pk=release.pk).exists()
