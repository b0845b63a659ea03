"""When the public site next changes by itself: the registry of scheduled changes.

A public page may be cached only until the next moment at which something
becomes public, or stops being public, without anybody touching it: a
release's embargo (``publish_at``), an event's replay becoming available
(``replay_available_at``) or expiring (``replay_expires_at``). Each app
registers one function that answers, from the database, the earliest such
moment after ``now`` (or ``None`` when nothing is scheduled)::

    from investors import schedule

    def next_event_change(now):
        return min(filter(None, [...]), default=None)

    schedule.register("events", next_event_change)   # in the app's AppConfig.ready()

``next_change(now)`` is the earliest answer of all of them. The public cache
bounds every cached copy, and every ``s-maxage`` it sends, by that moment.
"""

from collections.abc import Callable
from datetime import datetime

NextChange = Callable[[datetime], datetime | None]

_SOURCES: dict[str, NextChange] = {}


def register(name: str, source: NextChange) -> None:
    """Register (or replace) the scheduled-change source called ``name``."""
    _SOURCES[name] = source


def next_change(now: datetime) -> datetime | None:
    """The earliest scheduled change strictly after ``now``, over every registered source."""
    moments = [moment for source in _SOURCES.values() if (moment := source(now)) is not None and moment > now]
    return min(moments, default=None)
