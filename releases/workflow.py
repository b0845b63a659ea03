"""Releases in the approval workflow: ``release_submit``, ``release_approve`` and the rest.

Each is one call of the shared engine (lock, check, change, audit, side
effects written to the outbox); views, tasks and commands call these and nothing else
to change a release's state.
"""

from datetime import datetime
from typing import Unpack

from irportal.audit.registry import register_action
from irportal.workflow import engine, sweep
from irportal.workflow.engine import WorkflowSpec
from releases.checks import release_checks
from releases.models import Release

RELEASE = engine.register(
    WorkflowSpec(
        kind="release",
        model=Release,
        checks=release_checks,
        # About and the forward-looking statements are boilerplate versions, chosen per release.
        translatable=("headline", "subheadline", "highlights", "body"),
    )
)


def release_submit(*, release_id: int, actor, comment: str = "") -> Release:
    return engine.submit(RELEASE, pk=release_id, actor=actor, comment=comment)


def release_request_changes(*, release_id: int, actor, comment: str) -> Release:
    return engine.request_changes(RELEASE, pk=release_id, actor=actor, comment=comment)


def release_approve(*, release_id: int, actor, **options: Unpack[engine.ApprovalOptions]) -> Release:
    """Approve the current step; ``options`` as ``irportal.workflow.engine.approve`` takes them."""
    return engine.approve(RELEASE, pk=release_id, actor=actor, **options)


def release_schedule(*, release_id: int, actor, publish_at: datetime, step_up: dict | None = None) -> Release:
    return engine.schedule(RELEASE, pk=release_id, actor=actor, publish_at=publish_at, step_up=step_up)


def release_publish(*, release_id: int, actor, step_up: dict | None = None) -> Release:
    return engine.publish(RELEASE, pk=release_id, actor=actor, step_up=step_up)


def release_withdraw(*, release_id: int, actor, reason: str, step_up: dict | None = None) -> Release:
    return engine.withdraw(RELEASE, pk=release_id, actor=actor, reason=reason, step_up=step_up)


def releases_publish_due(now: datetime) -> list[int]:
    return engine.publish_due(RELEASE, now=now)


def releases_oldest_due(now: datetime) -> datetime | None:
    return engine.oldest_publish_due(RELEASE, now=now)


sweep.register("releases.publish", releases_publish_due, oldest_due=releases_oldest_due)

for _name, _label in [
    ("contact.create", "Added a contact"),
    ("contact.update", "Changed a contact"),
    ("boilerplate.version", "Saved a boilerplate version"),
]:
    register_action(_name, _label)
