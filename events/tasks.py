"""Celery tasks for events: each loads by id, calls the action or announces the change, returns."""

from celery import shared_task

from events import signals


@shared_task(name="events.tasks.event_changed", time_limit=60, soft_time_limit=50)
def event_changed(event_id: int, change: str) -> int:
    """Tell the rest of the site (email alerts, caches) that an event changed; runs once per change."""
    return len(signals.event_changed.send(sender="events", event_id=event_id, change=change))
