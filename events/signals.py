"""``event_changed``: sent once per committed change of an event, from a worker.

``change`` is a workflow transition (``publish``, ``withdraw``...), ``cancel``,
``replay_url_change``, ``replay_window_change``, or the sweep's
``replay_publish`` and ``replay_expire``. It is the outbox's
``events.event_changed`` side effect, written with the change: a receiver
that raises has the announcement sent again later, so receivers are safe to
run twice.
"""

from django.dispatch import Signal

event_changed = Signal()


def announce(payload: dict) -> int:
    return len(event_changed.send(sender="events", event_id=payload["item_id"], change=payload["transition"]))
