"""Reads across every kind of workflow item."""

from datetime import datetime

from irportal.workflow import engine
from irportal.workflow.models import State


def next_embargo(now: datetime) -> datetime | None:
    """The next embargo to lift after ``now``, of any kind of item, in one query (a UNION over the kinds).

    An approved item is public from its ``publish_at``: that is when the public
    pages next change by themselves, so the public cache keeps no copy past it.
    """
    due = [
        spec.model.objects.filter(status=State.APPROVED, publish_at__gt=now, approved_revision__isnull=False)
        .order_by()
        .values_list("publish_at", flat=True)
        for spec in engine.specs()
    ]
    if not due:
        return None
    return due[0].union(*due[1:], all=True).order_by("publish_at").first()
