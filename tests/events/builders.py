"""Events for tests: a draft made through the service, and the same event taken through the workflow."""

import itertools
from datetime import UTC, datetime, timedelta

from events.models import Event
from events.services import event_create
from events.workflow import event_approve, event_publish, event_submit
from tests.factories import fresh_step_up

_numbers = itertools.count(1)

# Tuesday, December 8, 2026, 9:00 am in Phoenix (MST, UTC-7).
START = datetime(2026, 12, 8, 16, 0, tzinfo=UTC)


def event_fields(**overrides) -> dict:
    starts_at = overrides.pop("starts_at", START)
    fields = {
        "slug": f"winter-technology-conference-{next(_numbers)}",
        "title": "Presentation at the Winter Technology Conference",
        "kind": "conference",
        "organizer": "Winter Technology Conference",
        "starts_at": starts_at,
        "ends_at": starts_at + timedelta(minutes=45) if starts_at else None,
        "time_zone": "America/Phoenix",
        "location": "Scottsdale, Ariz.",
        "presenters": [{"name": "Ingrid Halvorsen", "title": "President and CEO"}],
        "webcast_url": "https://webcast.example/hlvi/winter",
        "description": "",
    }
    return fields | overrides


def make_event(author, *, replay_days=None, replay_url="", **overrides) -> Event:
    return event_create(actor=author, replay_days=replay_days, replay_url=replay_url, **event_fields(**overrides))


def published(event, author, approver) -> Event:
    event_submit(event_id=event.pk, actor=author)
    event_approve(event_id=event.pk, actor=approver, step_up=fresh_step_up())
    return event_publish(event_id=event.pk, actor=approver, step_up=fresh_step_up())
