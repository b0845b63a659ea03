"""Documents in the approval workflow: ``document_submit``, ``document_approve`` and the rest.

Each is one call of the shared engine (lock, check, change, audit, side
effects written to the outbox); views, tasks and commands call these and nothing else
to change a document's state. The sweep publishes approved documents whose
embargo has come, exactly once.
"""

from datetime import datetime
from typing import Unpack

from irportal.workflow import engine, sweep
from irportal.workflow.engine import WorkflowSpec
from reports.checks import document_checks
from reports.models import Document

DOCUMENT = engine.register(
    WorkflowSpec(
        kind="document",
        model=Document,
        checks=document_checks,
        # A main PDF of its own in a language is optional: its pages offer the main PDF without one.
        translatable=("title", "summary"),
    )
)


def document_submit(*, document_id: int, actor, comment: str = "") -> Document:
    return engine.submit(DOCUMENT, pk=document_id, actor=actor, comment=comment)


def document_request_changes(*, document_id: int, actor, comment: str) -> Document:
    return engine.request_changes(DOCUMENT, pk=document_id, actor=actor, comment=comment)


def document_approve(*, document_id: int, actor, **options: Unpack[engine.ApprovalOptions]) -> Document:
    """Approve the current step; ``options`` as ``irportal.workflow.engine.approve`` takes them."""
    return engine.approve(DOCUMENT, pk=document_id, actor=actor, **options)


def document_schedule(*, document_id: int, actor, publish_at: datetime, step_up: dict | None = None) -> Document:
    return engine.schedule(DOCUMENT, pk=document_id, actor=actor, publish_at=publish_at, step_up=step_up)


def document_publish(*, document_id: int, actor, step_up: dict | None = None) -> Document:
    return engine.publish(DOCUMENT, pk=document_id, actor=actor, step_up=step_up)


def document_withdraw(*, document_id: int, actor, reason: str, step_up: dict | None = None) -> Document:
    return engine.withdraw(DOCUMENT, pk=document_id, actor=actor, reason=reason, step_up=step_up)


def documents_publish_due(now: datetime) -> list[int]:
    return engine.publish_due(DOCUMENT, now=now)


def documents_oldest_due(now: datetime) -> datetime | None:
    return engine.oldest_publish_due(DOCUMENT, now=now)


sweep.register("reports.publish", documents_publish_due, oldest_due=documents_oldest_due)
