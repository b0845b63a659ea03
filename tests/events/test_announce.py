from datetime import UTC, date, datetime, timedelta

import pytest
from django.urls import reverse

from events.announce import announcement_release, build_announcement
from events.services import event_cancel, event_replay_window_change
from irportal.accounts.roles import IR_APPROVER
from irportal.workflow.models import State
from releases.models import Release
from tests.events.builders import START, make_event, published
from tests.factories import MediaContactFactory, UserFactory, sign_in

pytestmark = pytest.mark.django_db

# Wednesday, January 13, 2027, 8:30 am in New York (EST).
JANUARY = datetime(2027, 1, 13, 13, 30, tzinfo=UTC)


@pytest.fixture
def two_events(author, approver, company):
    winter = published(make_event(author), author, approver)
    january = make_event(
        author,
        title="Fireside chat at the Northeast Growth Conference",
        organizer="Northeast Growth Conference",
        starts_at=JANUARY,
        time_zone="America/New_York",
        location="New York, N.Y.",
        presenters=[{"name": "Tomas Brandt", "title": "Chief Financial Officer"}],
        replay_days=30,
    )
    return winter, published(january, author, approver)


def test_one_bullet_per_event_with_both_zones_date_conference_city_presenter(two_events, company):
    announcement = build_announcement(list(reversed(two_events)), company=company)
    assert announcement.headline == (
        "Halvorsen Instruments, Inc. Announces Webcast of Presentations at Upcoming Investor Conferences"
    )
    assert announcement.lead.startswith("Halvorsen Instruments, Inc. (Nasdaq: HLVI) today announced")
    assert announcement.bullets == [
        "Tuesday, Dec. 8, 2026 at 9:00 am MST/11:00 am EST: <strong>Winter Technology Conference</strong>, "
        "Scottsdale, Ariz. Presenter: Ingrid Halvorsen, President and CEO.",
        "Wednesday, Jan. 13, 2027 at 8:30 am EST: <strong>Northeast Growth Conference</strong>, New York, N.Y. "
        "Presenter: Tomas Brandt, Chief Financial Officer.",
    ]
    assert "/investors/events/" in announcement.webcast_sentence


def test_the_replay_sentence_comes_from_each_events_own_window(two_events, company):
    announcement = build_announcement(list(two_events), company=company)
    assert announcement.replay_sentences == [
        "A replay of the Winter Technology Conference webcast will be available for one week following the event.",
        "A replay of the Northeast Growth Conference webcast will be available for 30 days following the event.",
    ]


def test_one_sentence_when_every_window_agrees_and_it_follows_a_window_change(two_events, author, company):
    winter, january = two_events
    event_replay_window_change(actor=author, pk=winter.pk, days=30, reason="Align with the January event")
    winter.refresh_from_db()
    announcement = build_announcement([winter, january], company=company)
    assert announcement.replay_sentences == [
        "A replay of each webcast will be available for 30 days following the event."
    ]
    assert winter.replay_expires_at - winter.replay_available_at == timedelta(days=30)


def test_the_draft_release_is_in_wire_form_and_enters_the_release_workflow(two_events, author, company):
    MediaContactFactory(name="Dana Ferreira")
    release = announcement_release(
        actor=author,
        events=list(two_events),
        dateline_city="Phoenix",
        dateline_region="Ariz.",
        release_date=date(2026, 11, 30),
        distribution="BUSINESS WIRE",
    )
    assert release.status == State.DRAFT
    body = release.revisions.get(number=1).content["body"]
    assert "<li>Tuesday, Dec. 8, 2026 at 9:00 am MST/11:00 am EST: <strong>Winter Technology Conference" in body
    assert "available for 30 days following the event." in body
    assert [contact.name for contact in release.contacts.all()] == ["Dana Ferreira"]


def test_the_console_previews_then_creates_the_draft(client, two_events, author):
    sign_in(client, author)
    data = {
        "events": [event.pk for event in two_events],
        "dateline_city": "Phoenix",
        "dateline_region": "Ariz.",
        "release_date": "2026-11-30",
        "distribution": "BUSINESS WIRE",
    }
    preview = client.post(reverse("events_staff:announce"), data)
    assert "9:00 am MST/11:00 am EST" in preview.content.decode()
    assert not Release.objects.exists()
    client.post(reverse("events_staff:announce"), data | {"create": "1"})
    assert Release.objects.get().headline.endswith("Upcoming Investor Conferences")


def test_only_published_upcoming_events_not_cancelled_can_be_announced(client, author, approver, company):
    draft = make_event(author)
    past = published(make_event(author, starts_at=START - timedelta(days=60)), author, approver)
    cancelled = published(make_event(author), author, approver)
    event_cancel(actor=approver, pk=cancelled.pk, reason="Called off")
    sign_in(client, author)
    for event in (draft, past, cancelled):
        response = client.post(reverse("events_staff:announce"), {"events": [event.pk], "create": "1"})
        assert response.context["form"].errors["events"]
    assert not Release.objects.exists()


def test_an_approver_cannot_create_an_announcement(client, company):
    sign_in(client, UserFactory(roles=[IR_APPROVER]))
    assert client.get(reverse("events_staff:announce")).status_code == 403
