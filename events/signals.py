"""``event_changed``: sent once per committed change of an event, from the worker.

``change`` is a workflow transition (``publish``, ``withdraw``...), ``cancel``,
``replay_url_change``, ``replay_window_change``, or the sweep's
``replay_publish`` and ``replay_expire``. Email alerts and cache owners
connect receivers here.
"""

from django.dispatch import Signal

event_changed = Signal()
