"""Demo events for the fictional Halvorsen Instruments: upcoming ones, a past event whose replay is
live, one whose replay expired, and a cancelled one. Everything goes through the same actions staff use.
"""

from datetime import datetime, time, timedelta

from django.contrib.auth import get_user_model
from django.utils import timezone

from events import timefmt
from events.models import Event
from events.services import event_cancel, event_create, event_replay_url_set
from events.workflow import event_approve, event_publish, event_replay_expire, event_replay_publish, event_submit

CEO = {"name": "Ingrid Halvorsen", "title": "President and Chief Executive Officer"}
CFO = {"name": "Tomas Brandt", "title": "Chief Financial Officer"}

DEMO_EVENTS = [
    # slug, title, kind, organizer, zone, location, days from today, local start, minutes, presenters, replay
    ("winter-technology-conference", "Presentation at the Winter Technology Conference", "conference",
     "Winter Technology Conference", "America/New_York", "New York, N.Y.", 12, time(9, 0), 40, [CEO], None),
    ("precision-measurement-fireside-chat", "Fireside chat at the Precision Measurement Summit", "fireside_chat",
     "Precision Measurement Summit", "America/Chicago", "Virtual", 26, time(13, 30), 30, [CFO], None),
    ("pacific-small-cap-forum", "Presentation at the Pacific Small-Cap Forum", "conference",
     "Pacific Small-Cap Forum", "America/Los_Angeles", "San Francisco, Calif.", 18, time(10, 15), 30, [CEO, CFO],
     "cancel"),
    ("third-quarter-2026-earnings-call", "Third quarter 2026 results conference call", "earnings_call",
     "", "America/Phoenix", "Virtual", -2, time(14, 0), 60, [CEO, CFO], "live"),
    ("autumn-growth-conference", "Presentation at the Autumn Growth Conference", "conference",
     "Autumn Growth Conference", "America/New_York", "Boston, Mass.", -20, time(11, 0), 35, [CFO], "expired"),
]  # fmt: skip


def _local_start(now: datetime, zone_name: str, days: int, at: time) -> datetime:
    zone = timefmt.zone(zone_name)
    day = now.astimezone(zone).date() + timedelta(days=days)
    return datetime.combine(day, at, zone)


def seed_demo_events(*, now: datetime | None = None) -> list[Event]:
    """Add the demo events once; later runs leave existing events alone."""
    now = now or timezone.now()
    users = get_user_model().objects
    author, approver = users.get(username="author"), users.get(username="approver")
    created = []
    for slug, title, kind, organizer, zone, location, days, at, minutes, presenters, replay in DEMO_EVENTS:
        if Event.objects.filter(slug=slug).exists():
            continue
        starts_at = _local_start(now, zone, days, at)
        event = event_create(
            actor=author,
            slug=slug,
            title=title,
            kind=kind,
            organizer=organizer,
            starts_at=starts_at,
            ends_at=starts_at + timedelta(minutes=minutes),
            time_zone=zone,
            location=location,
            presenters=presenters,
            webcast_url=f"https://webcasts.example/halvorsen/{slug}",
            description="",
        )
        Event.objects.filter(pk=event.pk).update(is_demo=True)
        event_submit(event_id=event.pk, actor=author)
        event_approve(event_id=event.pk, actor=approver)
        event = event_publish(event_id=event.pk, actor=approver)
        if replay in {"live", "expired"}:
            event = event_replay_url_set(
                actor=approver, pk=event.pk, replay_url=f"https://webcasts.example/halvorsen/{slug}/replay"
            )
            event_replay_publish(event_id=event.pk, now=event.replay_available_at)
        if replay == "expired":
            event_replay_expire(event_id=event.pk, now=event.replay_expires_at)
        if replay == "cancel":
            event_cancel(actor=approver, pk=event.pk, reason="The forum was called off by its organizer.")
        created.append(event)
    return created
