"""People and committees in the approval workflow.

A change to the board or to management is a disclosure: it is submitted,
approved (by someone who did not write it), embargoed, published by the
sweep at its second and audited, by the shared engine's transitions called
with these specs (``engine.submit(PERSON, pk=..., actor=...)`` and the
rest), from the console, tasks and commands alike.
"""

from datetime import datetime

from governance.checks import committee_checks, person_checks
from governance.models import Committee, Person
from irportal.workflow import engine, sweep
from irportal.workflow.engine import WorkflowSpec

PERSON = engine.register(
    WorkflowSpec(
        kind="person",
        model=Person,
        checks=person_checks,
        translatable=("board_title", "management_title", "biography"),
    )
)
COMMITTEE = engine.register(
    WorkflowSpec(kind="committee", model=Committee, checks=committee_checks, translatable=("name", "description"))
)


def _publish_due(spec: WorkflowSpec):
    def publish_due(now: datetime) -> list[int]:
        return engine.publish_due(spec, now=now)

    def oldest_due(now: datetime) -> datetime | None:
        return engine.oldest_publish_due(spec, now=now)

    return publish_due, oldest_due


for name, spec in (("governance.people", PERSON), ("governance.committees", COMMITTEE)):
    part, oldest = _publish_due(spec)
    sweep.register(name, part, oldest_due=oldest)
