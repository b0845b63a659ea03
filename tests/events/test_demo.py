import pytest
from django.core.management import call_command
from django.utils import timezone

from events.models import Event, ReplayStatus
from events.selectors import public_documents, upcoming_and_past

pytestmark = pytest.mark.django_db


def test_seed_demo_adds_upcoming_live_replay_expired_replay_and_cancelled_events(client):
    call_command("seed_demo")
    call_command("seed_demo")
    upcoming, past = upcoming_and_past(public_documents(timezone.now()))
    assert len([doc for doc in upcoming if not doc.cancelled]) == 2
    assert [doc.slug for doc in upcoming if doc.cancelled] == ["pacific-small-cap-forum"]
    assert {doc.slug: doc.replay.state for doc in past} == {
        "third-quarter-2026-earnings-call": "available",
        "autumn-growth-conference": "expired",
    }
    statuses = dict(Event.objects.values_list("slug", "replay_status"))
    assert statuses["third-quarter-2026-earnings-call"] == ReplayStatus.AVAILABLE
    assert statuses["autumn-growth-conference"] == ReplayStatus.EXPIRED
    page = client.get("/investors/events/").content.decode()
    assert "Replay expired on" in page and "https://webcasts.example/halvorsen/third-quarter" in page
