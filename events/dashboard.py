"""The events' panel on the staff dashboard: webcasts going on or coming within two days, replays about to close."""

from datetime import datetime, timedelta

from django.db.models.functions import Coalesce

from events.models import Event

HORIZON = timedelta(hours=48)


def webcasts_and_replays(user, now: datetime) -> dict:
    listed = Event.objects.exclude(status="withdrawn").filter(cancelled_at__isnull=True)
    webcasts = (
        listed.alias(finishes_at=Coalesce("ends_at", "starts_at"))
        .filter(starts_at__lt=now + HORIZON, finishes_at__gte=now)
        .order_by("starts_at")[:10]
    )
    closing = (
        listed.exclude(replay_url="")
        .filter(replay_available_at__lte=now, replay_expires_at__gt=now, replay_expires_at__lte=now + HORIZON)
        .order_by("replay_expires_at")[:10]
    )
    return {"webcasts": list(webcasts), "closing": list(closing), "now": now}
