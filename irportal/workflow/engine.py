"""The workflow's transitions: the only code that changes an item's state.

Each transition is one call that, in one transaction, locks the row, checks
the actor's permission and the state, writes the change, its audit entry and
its side effects (as outbox rows, ``irportal.workflow.outbox``). Views, Celery tasks and
management commands call these functions; nothing else writes ``status``.

Releases and events describe themselves with a ``WorkflowSpec``; the
transitions are the same for both.
"""

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.db.models import F
from django.db.models.functions import Coalesce
from django.utils import timezone

from irportal.accounts.roles import roles_of
from irportal.audit.registry import is_registered, register_action
from irportal.audit.services import audit_record
from irportal.workflow import outbox
from irportal.workflow.models import Approval, ApprovalStep, BaseRevision, Comment, Publication, State
from irportal.workflow.signals import state_changed

logger = logging.getLogger(__name__)

SWEEP_BATCH = 500


class WorkflowError(Exception):
    """A transition that cannot happen; the message is written for the person who tried."""

    status_code = 400


class TransitionNotAllowed(WorkflowError):
    status_code = 409


class WorkflowPermissionDenied(WorkflowError):
    status_code = 403


class EditConflict(WorkflowError):
    """Someone saved the item since this form was opened; nothing was saved."""

    status_code = 409

    def __init__(self, item):
        super().__init__(f"Revision {item.version} was saved by {item.last_edited_by} while you were editing.")
        self.item = item


@dataclass(frozen=True)
class WorkflowSpec:
    """How one kind of item takes part in the workflow."""

    kind: str
    model: type[models.Model]
    # Problems that block approval (e.g. an event's missing disclosure facts).
    approval_blockers: Callable[[models.Model], list[str]] | None = None

    def perm(self, verb: str) -> str:
        return f"{self.model._meta.app_label}.{verb}_{self.model._meta.model_name}"

    def action(self, transition: str) -> str:
        return f"{self.kind}.{transition}"


_SPECS: dict[str, WorkflowSpec] = {}


TRANSITION_LABELS = {
    "create": "created",
    "edit": "edited",
    "restore": "restored an earlier revision of",
    "upload": "added a file to",
    "comment": "commented on",
    "access": "opened (unpublished)",
    "submit": "submitted for review",
    "request_changes": "requested changes to",
    "approve": "approved",
    "schedule": "scheduled",
    "publish": "published",
    "withdraw": "withdrew",
}


def register(spec: WorkflowSpec) -> WorkflowSpec:
    """Make a kind of item known to the workflow, with its audit action names."""
    _SPECS[spec.kind] = spec
    for transition, label in TRANSITION_LABELS.items():
        if not is_registered(spec.action(transition)):
            register_action(spec.action(transition), f"{spec.kind.capitalize()} {label}")
    return spec


def spec_for(kind: str) -> WorkflowSpec:
    return _SPECS[kind]


# -- checks: each returns nothing or raises, and never changes anything -------------------------


def _require_perm(spec, actor, verb):
    if actor is None or not actor.is_authenticated or not actor.has_perm(spec.perm(verb)):
        raise WorkflowPermissionDenied(f"Your role does not allow you to {verb} a {spec.kind}.")


def _require_state(spec, item, *states, doing):
    if item.status not in states:
        raise TransitionNotAllowed(
            f"This {spec.kind} is {item.get_status_display().lower()}; it cannot be {doing} now."
        )


def _check_submit(spec, item, actor):
    _require_perm(spec, actor, "submit")
    _require_state(spec, item, State.DRAFT, doing="submitted for review")
    if not ApprovalStep.chain():
        raise TransitionNotAllowed("No approval step is configured; ask an IR Admin to set one up.")


def _check_review(spec, item, actor):
    """Shared by approve and request changes: the current step's group, and never one's own work."""
    _require_perm(spec, actor, "review")
    _require_state(spec, item, State.IN_REVIEW, doing="reviewed")
    step = item.current_step
    if step is None or not actor.groups.filter(pk=step.group_id).exists():
        raise WorkflowPermissionDenied(f"Only members of {step.group.name if step else 'the step'} review this step.")
    if actor.pk in (item.created_by_id, item.last_edited_by_id):
        raise WorkflowPermissionDenied(f"You wrote or last edited this {spec.kind}; someone else must review it.")


def _check_approve(spec, item, actor):
    _check_review(spec, item, actor)
    earlier = _approvals(spec, item).filter(review_round=item.review_round, approver=actor)
    if earlier.exclude(step=item.current_step).exists():
        raise WorkflowPermissionDenied("You approved an earlier step of this review; another person approves this one.")
    if spec.approval_blockers is not None:
        problems = spec.approval_blockers(item)
        if problems:
            raise TransitionNotAllowed("Cannot approve yet: " + "; ".join(problems))


def _check_publish(spec, item, actor):
    _require_perm(spec, actor, "publish")
    _require_state(spec, item, State.APPROVED, doing="published or scheduled")


def _check_withdraw(spec, item, actor):
    _require_perm(spec, actor, "withdraw")
    if not item.is_live and not (
        item.status == State.APPROVED and item.publish_at and item.publish_at <= timezone.now()
    ):
        raise TransitionNotAllowed(f"Only a published {spec.kind} can be withdrawn.")


_CHECKS = {
    "submit": _check_submit,
    "request_changes": _check_review,
    "approve": _check_approve,
    "schedule": _check_publish,
    "publish": _check_publish,
    "withdraw": _check_withdraw,
}


def allowed_transitions(spec: WorkflowSpec, item, actor) -> set[str]:
    """The buttons to show: the transitions whose checks pass for this actor now."""
    allowed = set()
    for name, check in _CHECKS.items():
        try:
            check(spec, item, actor)
        except WorkflowError:
            continue
        allowed.add(name)
    return allowed


# -- the transitions ----------------------------------------------------------------------------


def _approvals(spec, item):
    return Approval.objects.filter(content_type=ContentType.objects.get_for_model(spec.model), object_id=item.pk)


def record_denial(spec: WorkflowSpec, *, pk, actor, transition: str, reason: str) -> None:
    audit_record(
        action="security.permission_denied",
        actor=actor,
        object_type=f"{spec.model._meta.app_label}.{spec.model._meta.model_name}",
        object_id="" if pk is None else str(pk),
        data={"transition": transition, "reason": reason},
    )


def require_permission(spec: WorkflowSpec, *, actor, verb: str, pk=None) -> None:
    """For non-transition changes (create, edit, upload): refuse, and record the refusal."""
    try:
        _require_perm(spec, actor, verb)
    except WorkflowPermissionDenied as exc:
        record_denial(spec, pk=pk, actor=actor, transition=verb, reason=str(exc))
        raise


def _perform(spec, *, pk, actor, transition, apply):
    """Lock, check, apply, audit; a refusal for want of permission is itself audited."""
    try:
        with transaction.atomic():
            item = spec.model.objects.select_for_update().get(pk=pk)
            _CHECKS[transition](spec, item, actor)
            before = item.status
            data = apply(item) or {}
            item.save()
            audit_record(
                action=spec.action(transition),
                actor=actor,
                obj=item,
                changes={"status": {"before": before, "after": item.status}} if before != item.status else {},
                data={"revision": item.version, **data},
            )
            outbox.record_change(spec.kind, item.pk, transition)
            return item
    except WorkflowPermissionDenied as exc:
        record_denial(spec, pk=pk, actor=actor, transition=transition, reason=str(exc))
        raise


def _announce(payload: dict) -> None:
    """The ``state_changed`` announcement, run by the outbox right after the commit; a failed receiver raises."""
    spec = spec_for(payload["kind"])
    failures = [
        (receiver, error)
        for receiver, error in state_changed.send_robust(sender=spec.model, **payload)
        if isinstance(error, Exception)
    ]
    for receiver, error in failures:
        logger.error("%r failed on %s", receiver, payload, exc_info=error)
    if failures:
        raise failures[0][1]


outbox.register("workflow.state_changed", _announce, on_change=lambda kind, transition: True, inline=True)


def _comment(spec, item, actor, kind, body):
    if body:
        Comment.objects.create(
            content_type=ContentType.objects.get_for_model(spec.model),
            object_id=item.pk,
            author=actor,
            kind=kind,
            body=body,
        )


def submit(spec: WorkflowSpec, *, pk: int, actor, comment: str = ""):
    def apply(item):
        first = ApprovalStep.chain()[0]
        item.status = State.IN_REVIEW
        item.current_step = first
        item.review_round += 1
        _comment(spec, item, actor, Comment.Kind.COMMENT, comment)
        return {"step": first.name, "round": item.review_round}

    return _perform(spec, pk=pk, actor=actor, transition="submit", apply=apply)


def request_changes(spec: WorkflowSpec, *, pk: int, actor, comment: str):
    if not comment.strip():
        raise WorkflowError("Say what needs to change: a comment is required.")

    def apply(item):
        step = item.current_step
        item.status = State.DRAFT
        item.current_step = None
        _comment(spec, item, actor, Comment.Kind.CHANGES_REQUESTED, comment.strip())
        return {"step": step.name, "comment": comment.strip()}

    return _perform(spec, pk=pk, actor=actor, transition="request_changes", apply=apply)


def approve(spec: WorkflowSpec, *, pk: int, actor, comment: str = "", publish_at: datetime | None = None):
    def apply(item):
        revision = item.revisions.get(number=item.version)
        step = item.current_step
        Approval.objects.create(
            content_type=ContentType.objects.get_for_model(spec.model),
            object_id=item.pk,
            review_round=item.review_round,
            step=step,
            approver=actor,
            revision_number=revision.number,
            content_hash=revision.content_hash,
        )
        later = [candidate for candidate in ApprovalStep.chain() if candidate.order > step.order]
        if later:
            item.current_step = later[0]
        else:
            item.status = State.APPROVED
            item.current_step = None
            item.approved_revision = revision
            if publish_at is not None:
                item.publish_at = publish_at
        _comment(spec, item, actor, Comment.Kind.APPROVED, comment)
        return {
            "step": step.name,
            "content_hash": revision.content_hash,
            "next_step": later[0].name if later else None,
            "publish_at": item.publish_at.isoformat() if item.publish_at else None,
        }

    return _perform(spec, pk=pk, actor=actor, transition="approve", apply=apply)


def schedule(spec: WorkflowSpec, *, pk: int, actor, publish_at: datetime):
    if publish_at is None:
        raise WorkflowError("Give the date and time from which the release may be public.")

    def apply(item):
        previous = item.publish_at
        item.publish_at = publish_at
        return {"publish_at": {"before": previous.isoformat() if previous else None, "after": publish_at.isoformat()}}

    return _perform(spec, pk=pk, actor=actor, transition="schedule", apply=apply)


def _mark_published(spec, item, *, at, actor):
    revision = item.approved_revision
    Publication.objects.create(
        content_type=ContentType.objects.get_for_model(spec.model),
        object_id=item.pk,
        revision_number=revision.number,
        content_hash=revision.content_hash,
        published_at=at,
        actor=actor,
    )
    return {"content_hash": revision.content_hash, "published_at": at.isoformat()}


def publish(spec: WorkflowSpec, *, pk: int, actor):
    """Publish an approved item now (the approver's "Publish now")."""

    def apply(item):
        now = timezone.now()
        at = item.publish_at if item.publish_at and item.publish_at <= now else now
        item.status = State.PUBLISHED
        item.publish_at = at
        item.live_revision = item.approved_revision
        item.first_published_at = item.first_published_at or at
        item.last_published_at = at
        return _mark_published(spec, item, at=at, actor=actor)

    return _perform(spec, pk=pk, actor=actor, transition="publish", apply=apply)


def withdraw(spec: WorkflowSpec, *, pk: int, actor, reason: str):
    if not reason.strip():
        raise WorkflowError("Give the reason for the withdrawal: it is kept with the record.")

    def apply(item):
        item.status = State.WITHDRAWN
        item.withdrawn_at = timezone.now()
        item.withdrawn_reason = reason.strip()
        _comment(spec, item, actor, Comment.Kind.WITHDRAWN, reason.strip())
        return {"reason": reason.strip()}

    return _perform(spec, pk=pk, actor=actor, transition="withdraw", apply=apply)


def publish_due(spec: WorkflowSpec, *, now: datetime) -> list[int]:
    """The sweep's part: publish every approved item whose ``publish_at`` has come.

    Each row is claimed with a conditional UPDATE (``WHERE status = 'approved'
    AND publish_at <= now``) in its own transaction with its audit entry, so
    two sweeps at once publish each item exactly once.
    """
    published = []
    due = spec.model.objects.filter(status=State.APPROVED, publish_at__lte=now).order_by("publish_at")
    for pk in due.values_list("pk", flat=True)[:SWEEP_BATCH]:
        with transaction.atomic():
            claimed = spec.model.objects.filter(pk=pk, status=State.APPROVED, publish_at__lte=now).update(
                status=State.PUBLISHED,
                live_revision=F("approved_revision"),
                first_published_at=Coalesce("first_published_at", "publish_at"),
                last_published_at=F("publish_at"),
            )
            if claimed != 1:
                continue
            item = spec.model.objects.select_related("approved_revision").get(pk=pk)
            data = _mark_published(spec, item, at=item.publish_at, actor=None)
            audit_record(
                action=spec.action("publish"),
                actor=None,
                obj=item,
                changes={"status": {"before": State.APPROVED, "after": State.PUBLISHED}},
                data={"revision": item.approved_revision.number, "by": "sweep", **data},
            )
            outbox.record_change(spec.kind, pk, "publish")
        published.append(pk)
    return published


def new_revision(item, *, content: dict, actor, note: str = ""):
    """Every save is a revision: numbered, hashed, and saved together with the item's workflow fields."""
    item.version += 1
    revision = item.revisions.create(
        number=item.version,
        content=content,
        content_hash=BaseRevision.hash_content(content),
        created_by=actor,
        note=note[:200],
    )
    item.save(update_fields=["version", "status", "current_step", "approved_revision", "last_edited_by", "publish_at"])
    return revision


def working_revision_saved(item, *, actor) -> dict:
    """Called by an item's save service, inside its transaction, after a new working revision.

    An edit voids any review or approval: the item returns to draft and must
    pass the workflow again, so what is published is exactly what was
    approved. Returns the state change for the edit's audit entry.
    """
    if item.status == State.WITHDRAWN:
        raise TransitionNotAllowed("A withdrawn item is kept as it was; it cannot be edited.")
    before = item.status
    item.last_edited_by = actor
    if item.last_published_at and item.publish_at and item.publish_at <= item.last_published_at:
        # The embargo of the last publication is spent: a correction needs its own.
        item.publish_at = None
    if item.status != State.DRAFT:
        item.status = State.DRAFT
        item.current_step = None
        item.approved_revision = None
    return {"status": {"before": before, "after": item.status}} if before != item.status else {}


def record_access(spec: WorkflowSpec, *, item, actor, view: str) -> None:
    """Insider access: a staff view of an item the public cannot read yet goes into the audit log.

    Compliance builds the insider list from these entries; the first
    ``<kind>.publish`` entry closes it.
    """
    if item.public_revision(timezone.now()) is not None:
        return
    audit_record(action=spec.action("access"), actor=actor, obj=item, data={"view": view, "roles": roles_of(actor)})


def add_comment(spec: WorkflowSpec, *, pk: int, actor, body: str) -> Comment:
    require_permission(spec, actor=actor, verb="view", pk=pk)
    if not body.strip():
        raise WorkflowError("Write something first: the comment is empty.")
    with transaction.atomic():
        item = spec.model.objects.get(pk=pk)
        comment = Comment.objects.create(
            content_type=ContentType.objects.get_for_model(spec.model),
            object_id=item.pk,
            author=actor,
            body=body.strip(),
        )
        audit_record(action=spec.action("comment"), actor=actor, obj=item, data={"comment": body.strip()[:2000]})
    return comment


def comments_for(spec: WorkflowSpec, item):
    return Comment.objects.filter(
        content_type=ContentType.objects.get_for_model(spec.model), object_id=item.pk
    ).select_related("author")


def approvals_for(spec: WorkflowSpec, item):
    return _approvals(spec, item).select_related("step", "approver")
