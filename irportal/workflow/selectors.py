"""Reads across every kind of workflow item."""

from datetime import datetime

from irportal.ops.moments import Moments, earliest
from irportal.workflow import engine
from irportal.workflow.models import State


def embargo_moments(now: datetime) -> list[Moments]:
    """The embargoes still to lift (and gates still to open) after ``now``, of every kind of item.

    An approved item is public from its ``publish_at`` (or, held at a gate, from the later of that and the
    gate's opening): that is when the public pages next change by themselves, so the public cache keeps no
    copy past it. A gate is opened at the moment of its service's call, so a future opening is not expected;
    it is counted all the same, so that the cache holds to the rule whatever writes it.
    """
    due = []
    for spec in engine.specs():
        approved = spec.model.objects.filter(status=State.APPROVED, approved_revision__isnull=False)
        due.append(Moments(approved.filter(publish_at__gt=now), "publish_at"))
        due.append(Moments(approved.filter(held=True, gate_opens_at__gt=now), "gate_opens_at"))
    return due


def next_embargo(now: datetime) -> datetime | None:
    """The next embargo to lift (or gate to open) after ``now``, of any kind of item, in one query (a UNION)."""
    return earliest(embargo_moments(now), now)
