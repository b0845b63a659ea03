"""Signals other parts of the product listen to; sent after the change is committed.

``state_changed`` is sent once per change of state of a workflow item
(transition by a person, or publication by the sweep), with ``kind``
("release", "event", "document"), ``item_id`` and ``transition`` ("publish", "withdraw",
...), and ``public_already=True`` when the change is the publication of an
item the public has read since its embargo passed (by the sweep, or just
before another change of it): nothing the public reads changes. It is the
outbox's ``workflow.state_changed`` side effect: written with the change, sent
right after the commit by the process that made it, and sent again from a
worker if a receiver failed. So receivers are quick, local and
safe to run twice (the public cache listens to start a new generation). Work
that takes time or talks to the outside registers an outbox handler of its
own (``irportal.workflow.outbox.register``), as email alerts do.
"""

from django.dispatch import Signal

state_changed = Signal()
