"""A package whose release waits at a gate (the newswire) waits with it: every item opens at the gate's second."""

import datetime as dt

import pytest
import time_machine
from django.db import transaction
from django.utils import timezone

from alerts.topics import package_alert
from events.models import Event
from irportal.workflow import engine
from irportal.workflow.engine import Gate
from irportal.workflow.models import State
from irportal.workflow.sweep import run_sweep
from packages.models import Package
from releases.models import Release
from releases.workflow import RELEASE
from reports.models import Document
from tests.factories import fresh_step_up
from tests.packages.builders import approved_package, earnings_items

pytestmark = pytest.mark.django_db


@pytest.fixture
def wire_gate():
    """A gate that holds every release, as the newswire's does for a release that goes on the wire."""
    saved = dict(engine._GATES)
    engine.register_gate(Gate(kind="release", holds=lambda item: True, closed=lambda **kwargs: {"gate": "test"}))
    yield
    engine._GATES.clear()
    engine._GATES.update(saved)


def _public(now) -> dict[str, int]:
    return {
        "release": Release.objects.public(now).count(),
        "document": Document.objects.public(now).count(),
        "event": Event.objects.public(now).count(),
        "package": Package.objects.public(now).count(),
    }


def _open_release_gate(release, at):
    with time_machine.travel(at, tick=False), transaction.atomic():
        assert engine.open_gate(RELEASE, Release.objects.select_for_update().get(pk=release.pk), at=at)


NOTHING = {"release": 0, "document": 0, "event": 0, "package": 0}
EVERYTHING = {"release": 1, "document": 2, "event": 1, "package": 1}


def test_every_item_waits_for_the_releases_gate_and_opens_at_its_second(company, author, approver, wire_gate):
    items = earnings_items(author)
    embargo = timezone.now().replace(microsecond=0) + dt.timedelta(hours=2)
    package = approved_package(author, approver, embargo, items)
    assert package.held
    assert all(type(item).objects.get(pk=item.pk).held_at_gate for item in items)
    assert _public(embargo + dt.timedelta(minutes=5)) == NOTHING
    opened = embargo + dt.timedelta(minutes=7, seconds=30)
    _open_release_gate(items[0], opened)
    assert _public(opened - dt.timedelta(seconds=1)) == NOTHING
    assert _public(opened) == EVERYTHING
    with time_machine.travel(opened + dt.timedelta(seconds=20), tick=False):
        changed = run_sweep()
        assert changed["packages.publish"] == [package.pk]
        assert len(package_alert(package.pk).items) == 4
    for item in [*items, package]:
        item = type(item).objects.get(pk=item.pk)
        assert (item.status, item.first_published_at) == (State.PUBLISHED, opened)


def test_publishing_the_package_now_waits_for_the_gate_too(company, author, approver, wire_gate):
    items = earnings_items(author)
    package = approved_package(author, approver, timezone.now() + dt.timedelta(hours=2), items)
    package = engine.publish(engine.spec_for("package"), pk=package.pk, actor=approver, step_up=fresh_step_up())
    assert (package.status, package.held) == (State.APPROVED, True)
    now = timezone.now()
    assert _public(now) == NOTHING
    _open_release_gate(items[0], now + dt.timedelta(seconds=30))
    assert _public(now + dt.timedelta(seconds=30)) == EVERYTHING
