"""Reads across every kind of workflow item."""

from datetime import datetime

from irportal.workflow import engine
from irportal.workflow.models import State


def next_embargo(now: datetime) -> datetime | None:
    """The next embargo to lift (or gate to open) after ``now``, of any kind of item, in one query (a UNION).

    An approved item is public from its ``publish_at`` (or, held at a gate, from the later of that and the
    gate's opening): that is when the public pages next change by themselves, so the public cache keeps no
    copy past it. A gate is opened at the moment of its service's call, so a future opening is not expected;
    it is counted all the same, so that the cache holds to the rule whatever writes it. A kind's own scheduled
    changes (``WorkflowSpec.scheduled``) are read in the same query.
    """
    due = []
    for spec in engine.specs():
        approved = spec.model.objects.filter(status=State.APPROVED, approved_revision__isnull=False).order_by()
        due.append(approved.filter(publish_at__gt=now).values_list("publish_at", flat=True))
        due.append(approved.filter(held=True, gate_opens_at__gt=now).values_list("gate_opens_at", flat=True))
        due.extend(spec.scheduled(now) if spec.scheduled is not None else [])
    if not due:
        return None
    return due[0].union(*due[1:], all=True).order_by("publish_at").first()
