"""When the public site next changes by itself: the registry of scheduled changes.

A public page may be cached only until the next moment at which something
becomes public, or stops being public, without anybody touching it: a
release's embargo (``publish_at``), an event's replay becoming available
(``replay_available_at``) or expiring (``replay_expires_at``). Each app
registers one function that says where such moments after ``now`` are kept,
as ``irportal.ops.moments.Moments`` (the rows still to come, and the column)::

    from investors import schedule

    def event_moments(now):
        return [Moments(Event.objects.filter(replay_expires_at__gt=now), "replay_expires_at")]

    schedule.register("events", event_moments)   # in the app's AppConfig.ready()

``next_change(now)`` reads every source's moments in one query and answers
the earliest. The public cache bounds every cached copy, and every
``s-maxage`` it sends, by that moment.
"""

from collections.abc import Callable
from datetime import datetime

from irportal.ops.moments import Moments, earliest

MomentsSource = Callable[[datetime], list[Moments]]

_SOURCES: dict[str, MomentsSource] = {}


def register(name: str, source: MomentsSource) -> None:
    """Register (or replace) the scheduled-change source called ``name``."""
    _SOURCES[name] = source


def next_change(now: datetime) -> datetime | None:
    """The earliest scheduled change strictly after ``now``, over every registered source, in one query."""
    return earliest([moments for source in _SOURCES.values() for moments in source(now)], now)
