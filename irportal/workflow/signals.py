"""Signals other parts of the product listen to; sent after the change is committed.

``state_changed`` is sent once per change of state of a workflow item
(transition by a person, or publication by the sweep), with ``kind``
("release", "event"), ``item_id`` and ``transition`` ("publish", "withdraw",
...). Receivers run after the commit: the public cache listens to drop what it
holds, email alerts listen to publications. A receiver that fails is logged
and does not undo the change.
"""

from django.dispatch import Signal

state_changed = Signal()
