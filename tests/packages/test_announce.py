"""From the announce page: the generated announcement and its events in one package."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from events.models import Event
from irportal.audit.models import AuditEntry
from packages.models import Package
from releases.models import Release
from tests.events.builders import make_event, published
from tests.factories import sign_in

pytestmark = pytest.mark.django_db


def _form(events) -> dict:
    return {
        "events": [event.pk for event in events],
        "dateline_city": "Phoenix",
        "dateline_region": "Ariz.",
        "release_date": timezone.localdate().isoformat(),
        "distribution": "BUSINESS WIRE",
        "create": "1",
    }


def _two_events(author):
    start = timezone.now() + dt.timedelta(days=20)
    return [
        make_event(author, slug="winter-conference", starts_at=start),
        make_event(author, slug="growth-conference", title="Fireside chat", starts_at=start + dt.timedelta(days=3)),
    ]


def test_the_announcement_and_its_events_go_in_one_package_when_chosen(client, company, author):
    events = _two_events(author)
    sign_in(client, author)
    page = client.get(reverse("events_staff:announce")).content.decode()
    assert "Put the release and its events in one package" in page
    answer = client.post(reverse("events_staff:announce"), _form(events) | {"follow_package": "on"})
    package = Package.objects.get()
    release = Release.objects.get()
    assert answer.status_code == 302 and answer["Location"] == package.get_staff_url()
    assert [(row.kind, row.object_id) for row in package.members.all()] == [
        ("release", release.pk),
        ("event", events[0].pk),
        ("event", events[1].pk),
    ]
    assert package.title == release.headline
    assert AuditEntry.objects.filter(action="package.create", object_id=str(package.pk)).exists()


def test_without_the_choice_no_package_is_made(client, company, author):
    sign_in(client, author)
    client.post(reverse("events_staff:announce"), _form(_two_events(author)))
    assert Release.objects.count() == 1
    assert not Package.objects.exists()


def test_an_event_already_public_keeps_the_announcement_out_of_a_package_and_nothing_is_made(
    client, company, author, approver
):
    draft, public = _two_events(author)
    published(public, author, approver)
    sign_in(client, author)
    answer = client.post(reverse("events_staff:announce"), _form([draft, public]) | {"follow_package": "on"})
    assert answer.status_code == 200
    assert "was public already or is withdrawn: a package holds new items" in answer.content.decode()
    assert not Release.objects.exists() and not Package.objects.exists()
    assert Event.objects.get(pk=draft.pk).announcements.count() == 0
