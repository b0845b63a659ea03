"""The workflow's transitions: the only code that changes an item's state.

Each transition is one call that, in one transaction, locks the row, checks
the actor's permission and the state, writes the change, its audit entry and
its side effects (as outbox rows, ``irportal.workflow.outbox``). Views, Celery
tasks and management commands call these functions; nothing else writes
``status``.

Releases and events describe themselves with a ``WorkflowSpec``; the
transitions are the same for both.
"""

import functools
import logging
from collections.abc import Callable, Collection
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TypedDict

from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.db.models import F
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.text import capfirst, format_lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from irportal.accounts import stepup
from irportal.accounts.roles import role_label, roles_of
from irportal.audit import insiders
from irportal.audit.models import AuditEntry, object_type_of
from irportal.audit.registry import register_action
from irportal.audit.services import audit_record, audit_record_many, diff_fields
from irportal.workflow import languages, outbox
from irportal.workflow.checks import Check
from irportal.workflow.models import (
    Approval,
    ApprovalStep,
    BaseRevision,
    Comment,
    Publication,
    State,
    due_approval,
    opening_moment,
)
from irportal.workflow.signals import state_changed

logger = logging.getLogger(__name__)

SWEEP_BATCH = 500


class WorkflowError(Exception):
    """A transition that cannot happen; the message is written for the person who tried.

    The engine's messages are lazy: read in the language of whoever reads them, and written to the audit log
    in the primary language (``record_denial``).
    """

    status_code = 400

    @property
    def message(self):
        return self.args[0] if self.args else ""


class TransitionNotAllowed(WorkflowError):
    status_code = 409


class WorkflowPermissionDenied(WorkflowError):
    status_code = 403


class HeldTogether(WorkflowPermissionDenied):
    """A member of a group (a package) changed alone while the group holds it; the refusal is audited."""

    status_code = 409


class UnacknowledgedWarnings(TransitionNotAllowed):
    """Approval refused until the approver acknowledges these warnings (``Check``s); nothing was changed."""

    def __init__(self, warnings: list[Check]):
        super().__init__(
            format_lazy(
                _("Acknowledge each warning before approving; not acknowledged: {warnings}"),
                warnings=_joined(check.message for check in warnings),
            )
        )
        self.warnings = warnings


class EditConflict(WorkflowError):
    """Someone saved the item since this form was opened; nothing was saved."""

    status_code = 409

    def __init__(self, item):
        super().__init__(
            format_lazy(
                _("Revision {number} was saved by {person} while you were editing."),
                number=item.version,
                person=item.last_edited_by,
            )
        )
        self.item = item


def _joined(messages) -> str:
    """Messages (lazy or not) joined with "; ", itself lazy: read in the reader's language."""
    messages = list(messages)
    return format_lazy("; ".join("{}" for _message in messages), *messages)


@dataclass(frozen=True)
class WorkflowSpec:
    """How one kind of item takes part in the workflow."""

    kind: str
    model: type[models.Model]
    # The content checks of an item's working copy (``Check``): blockers stop approval (e.g. an event's missing
    # disclosure facts); each warning shown must be acknowledged by the approver (e.g. an embargo in market hours).
    checks: Callable[[models.Model], list[Check]] | None = None
    # A kind whose items group items of other kinds (a package): ``members(item)`` answers the ``Member``s of
    # its working copy. Each transition of such an item makes the same transition of each member in the same
    # transaction, through the member's own checks (permission, separation of duties, step-up): all or nothing.
    members: Callable[[models.Model], list["Member"]] | None = None
    # For such a kind: ``group_of(kind, pk)``, the group item holding that item, or None.
    group_of: Callable[[str, int], models.Model | None] | None = None
    # The content keys written in each disclosure language (``irportal.workflow.languages``): the primary
    # language's text stays in the item's fields, each secondary language's in ``item.translations``.
    translatable: tuple[str, ...] = ()

    def perm(self, verb: str) -> str:
        return f"{self.model._meta.app_label}.{verb}_{self.model._meta.model_name}"

    def action(self, transition: str) -> str:
        return f"{self.kind}.{transition}"

    @property
    def noun(self) -> str:
        """The kind as people read it ("release"), lazily, in the reader's language (see ``name_kind``)."""
        return _lazy_noun(self)

    @property
    def a_noun(self):
        """The kind with its article ("a release", "an event"); in French the noun alone."""
        article = _("an {kind}") if self.kind[0] in "aeiou" else _("a {kind}")
        return format_lazy(article, kind=self.noun)


# What people call each kind, in their language: the console's name for it (``console.register``).
_NOUNS: dict[str, str] = {}


def name_kind(kind: str, noun: str) -> None:
    _NOUNS[kind] = noun


def _noun_of(spec: WorkflowSpec) -> str:
    return str(_NOUNS.get(spec.kind, spec.model._meta.verbose_name))


_lazy_noun = lazy(_noun_of, str)


@dataclass(frozen=True)
class Member:
    """One item of a group, loaded: its kind's spec and the row."""

    spec: WorkflowSpec
    item: models.Model

    @property
    def label(self) -> str:
        return format_lazy(_("{kind} “{title}”"), kind=capfirst(self.spec.noun), title=self.item)


_SPECS: dict[str, WorkflowSpec] = {}


# How the audit log names each transition of a kind: a phrase about the item, whoever made it.
AUDIT_LABELS = {
    "create": _("{Kind} created"),
    "edit": _("{Kind} edited"),
    "restore": _("{Kind} restored to an earlier revision"),
    "upload": _("File added to {a_kind}"),
    "comment": _("Comment on {a_kind}"),
    "access": _("{Kind} opened (unpublished)"),
    "submit": _("{Kind} submitted for review"),
    "request_changes": _("Changes requested on {a_kind}"),
    "approve": _("{Kind} approved"),
    "schedule": _("{Kind} scheduled"),
    "publish": _("{Kind} published"),
    "withdraw": _("{Kind} withdrawn"),
    "recall": _("{Kind} taken back to draft"),
}


def register(spec: WorkflowSpec) -> WorkflowSpec:
    """Make a kind of item known to the workflow: its audit action names and its insider lists."""
    _SPECS[spec.kind] = spec
    for transition, label in AUDIT_LABELS.items():
        register_action(spec.action(transition), format_lazy(label, Kind=capfirst(spec.noun), a_kind=spec.a_noun))
    insiders.register_source(
        f"{spec.model._meta.app_label}.{spec.model._meta.model_name}",
        action_prefix=spec.kind,
        view_permission=spec.perm("view"),
    )
    return spec


@dataclass(frozen=True)
class Gate:
    """What holds a kind's approved items past their embargo until it opens: registered by an app above the
    workflow (the newswire, ``wire/apps.py``), which cannot be imported here.

    ``holds(item)`` says whether an approved item waits at the gate. ``closed(item=..., actor=..., transition=...)``
    runs in the transaction of the approval, schedule or "publish now" that gave a held item its embargo,
    under the row lock: it writes what will open the gate (e.g. the transmission to the wire, as an outbox
    row) and returns the facts for the transition's audit entry. ``note(item)`` is one sentence for the
    person who made the change (e.g. "Website only: this release does not go on the newswire."). The
    app's own services open the gate later by setting ``gate_opens_at`` in their transactions.
    """

    kind: str
    holds: Callable[[models.Model], bool]
    closed: Callable[..., dict]
    note: Callable[[models.Model], str] = lambda item: ""


_GATES: dict[str, Gate] = {}


def register_gate(gate: Gate) -> Gate:
    _GATES[gate.kind] = gate
    return gate


def gate_for(kind: str) -> Gate | None:
    return _GATES.get(kind)


def _shut_gate(spec, item, *, actor, transition) -> dict:
    """In a transition that gives an approved item its embargo: hold it at its kind's gate, if that holds it.

    Every such transition shuts the gate again: what opened it was for the embargo and revision before.
    Leaves one sentence for the person in ``item.transition_notes``.
    """
    gate = _GATES.get(spec.kind)
    item.held = gate is not None and gate.holds(item)
    item.gate_opens_at = None
    if gate is None:
        return {}
    if note := gate.note(item):
        item.transition_notes = [*getattr(item, "transition_notes", []), note]
    if not item.held or item.publish_at is None:  # without an embargo there is nothing to open the gate for yet
        return {"held": item.held}
    return {"held": True, **gate.closed(item=item, actor=actor, transition=transition)}


def open_gate(spec: WorkflowSpec, item, *, at: datetime) -> bool:
    """The gate that holds ``item`` opens at ``at``: in the caller's transaction, under its row lock.

    ``at`` is the moment of the call (the rule never meets a gate that opens later: nothing would announce
    it). The public reads the approved revision from then, if its embargo has passed too; the opening is
    announced like a transition (``gate_open``), so the public cache starts a new generation and the sweep
    publishes it as of that moment. Returns False when the gate is not shut (not held, or open already).
    """
    if not item.held_at_gate:
        return False
    item.gate_opens_at = at
    spec.model.objects.filter(pk=item.pk).update(gate_opens_at=at)
    outbox.record_change(spec.kind, item.pk, "gate_open")
    _open_group_gate(spec, item, at=at)
    return True


def _hold_together(spec: WorkflowSpec, item) -> None:
    """A group one of whose members waits at its kind's gate (a release for the newswire) waits with it: the
    group and each other member are held too, in the caller's transaction, and open at that gate's second."""
    members = spec.members(item)
    if not any(member.item.held_at_gate for member in members):
        return
    for held in [*members, Member(spec, item)]:
        held.spec.model.objects.filter(pk=held.item.pk).update(held=True, gate_opens_at=None)
    item.held, item.gate_opens_at = True, None


def _open_group_gate(spec: WorkflowSpec, item, *, at: datetime) -> None:
    """When a member's gate opens, the gates of its group and of the group's other members open at that moment."""
    for group_spec in _SPECS.values():
        group = group_spec.group_of(spec.kind, item.pk) if group_spec.group_of is not None else None
        if group is None or not group.held_at_gate:
            continue
        open_gate(group_spec, group_spec.model.objects.select_for_update().get(pk=group.pk), at=at)
        for member in group_spec.members(group):
            own_gate = _GATES.get(member.spec.kind)
            if member.item.held_at_gate and not (own_gate is not None and own_gate.holds(member.item)):
                open_gate(member.spec, member.spec.model.objects.select_for_update().get(pk=member.item.pk), at=at)


# A guard answers why ``transition`` of ``item`` may not be made on its own (a member of a package that holds
# it), or None. Registered by an app above the workflow (``packages``); the transitions of a group's members made
# by the group's own transition pass (``_TOGETHER``).
Guard = Callable[[WorkflowSpec, models.Model, str], str | None]
_GUARDS: list[Guard] = []
# The (kind, pk) of the members whose transitions the current group transition is making, in this context.
_TOGETHER: ContextVar[frozenset] = ContextVar("workflow_together", default=frozenset())


def register_guard(guard: Guard) -> None:
    if guard not in _GUARDS:
        _GUARDS.append(guard)


def _check_guards(spec: WorkflowSpec, item, transition: str) -> None:
    if (spec.kind, item.pk) in _TOGETHER.get():
        return
    for guard in _GUARDS:
        if reason := guard(spec, item, transition):
            raise HeldTogether(reason)


def _each_member(spec: WorkflowSpec, item, change: Callable[[Member], object]) -> None:
    """``change`` each member of a group item, in the caller's transaction; a refusal names the member."""
    if spec.members is None:
        return
    members = spec.members(item)
    token = _TOGETHER.set(_TOGETHER.get() | {(member.spec.kind, member.item.pk) for member in members})
    try:
        for member in members:
            try:
                change(member)
            except WorkflowError as exc:
                exc.args = (format_lazy(_("{member}: {reason}"), member=member.label, reason=exc.message),)
                raise
    finally:
        _TOGETHER.reset(token)


def spec_for(kind: str) -> WorkflowSpec:
    return _SPECS[kind]


def specs() -> list[WorkflowSpec]:
    return list(_SPECS.values())


# -- checks: each returns nothing or raises, and never changes anything -------------------------


class ReviewFacts:
    """What the transition checks read besides the item, read once for a whole page of items.

    A list of fifty items asks for the approval chain, the actor's groups, the
    actor's approvals of those items and their revisions' authors once each,
    not once per row.
    """

    def __init__(self, spec: "WorkflowSpec", actor, items=()):
        self.spec = spec
        self.actor = actor
        self._items = {item.pk: item for item in items}
        self._approved: dict[int, set[tuple[int, int]]] | None = None
        self._revisions: dict[int, list[tuple[int, int, int]]] | None = None

    @functools.cached_property
    def chain(self) -> list[ApprovalStep]:
        return ApprovalStep.chain()

    @functools.cached_property
    def group_ids(self) -> set[int]:
        if self.actor is None or not self.actor.is_authenticated:
            return set()
        return set(self.actor.groups.values_list("pk", flat=True))

    def authors_since_publication(self, item) -> set[int]:
        """Who may not review it: the creator, and everyone who saved a revision after the one the public reads.

        An approval that was never published was voided by the edit after it,
        so its revisions count too.
        """
        if self._revisions is None or item.pk not in self._items:
            self._items.setdefault(item.pk, item)
            relation = self.spec.model._meta.get_field("revisions")
            rows = relation.related_model.objects.filter(**{f"{relation.field.name}__in": list(self._items)})
            self._revisions = {}
            for item_id, pk, number, author in rows.values_list(
                relation.field.attname, "pk", "number", "created_by_id"
            ):
                self._revisions.setdefault(item_id, []).append((pk, number, author))
        revisions = self._revisions.get(item.pk, [])
        since = next((number for pk, number, _ in revisions if pk == item.live_revision_id), 0)
        return {
            item.created_by_id,
            item.last_edited_by_id,
            *(author for _, number, author in revisions if number > since),
        }

    def approved_steps(self, item) -> set[int]:
        """The steps of the item's current review round that the actor approved."""
        if self._approved is None or item.pk not in self._items:
            self._items.setdefault(item.pk, item)
            rows = _approvals_of(self.spec, self._items).filter(approver=self.actor)
            self._approved = {}
            for object_id, review_round, step_id in rows.values_list("object_id", "review_round", "step_id"):
                self._approved.setdefault(object_id, set()).add((review_round, step_id))
        return {step for review_round, step in self._approved.get(item.pk, set()) if review_round == item.review_round}


# The permission verbs as they follow "Your role does not allow you to"; a verb not named here reads as it is.
_VERBS = {
    "add": pgettext_lazy("Your role does not allow you to …", "add"),
    "change": pgettext_lazy("Your role does not allow you to …", "change"),
    "view": pgettext_lazy("Your role does not allow you to …", "view"),
    "submit": pgettext_lazy("Your role does not allow you to …", "submit"),
    "review": pgettext_lazy("Your role does not allow you to …", "review"),
    "publish": pgettext_lazy("Your role does not allow you to …", "publish"),
    "withdraw": pgettext_lazy("Your role does not allow you to …", "withdraw"),
    "cancel": pgettext_lazy("Your role does not allow you to …", "cancel"),
}
# Each state as it follows "This release is".
STATE_PREDICATES = {
    State.DRAFT: pgettext_lazy("This release is …", "draft"),
    State.IN_REVIEW: pgettext_lazy("This release is …", "in review"),
    State.APPROVED: pgettext_lazy("This release is …", "approved"),
    State.PUBLISHED: pgettext_lazy("This release is …", "published"),
    State.WITHDRAWN: pgettext_lazy("This release is …", "withdrawn"),
}
# What a transition does to an item, as it follows "it cannot be".
_DOINGS = {
    "submit": pgettext_lazy("it cannot be … now", "submitted for review"),
    "review": pgettext_lazy("it cannot be … now", "reviewed"),
    "publish": pgettext_lazy("it cannot be … now", "published or scheduled"),
}


def _require_perm(spec, actor, verb):
    if actor is None or not actor.is_authenticated or not actor.has_perm(spec.perm(verb)):
        raise WorkflowPermissionDenied(
            format_lazy(
                _("Your role does not allow you to {verb} {a_kind}."), verb=_VERBS.get(verb, verb), a_kind=spec.a_noun
            )
        )


def _require_state(spec, item, *states, doing):
    if item.status not in states:
        raise TransitionNotAllowed(
            format_lazy(
                _("This {kind} is {state}; it cannot be {doing} now."),
                kind=spec.noun,
                state=STATE_PREDICATES.get(item.status, item.status),
                doing=_DOINGS[doing],
            )
        )


def _check_submit(spec, item, actor, facts):
    _require_perm(spec, actor, "submit")
    _require_state(spec, item, State.DRAFT, doing="submit")
    if not facts.chain:
        raise TransitionNotAllowed(_("No approval step is configured; ask an IR Admin to set one up."))


def _check_review(spec, item, actor, facts):
    """Shared by approve and request changes: the current step's group, and never one's own work."""
    _require_perm(spec, actor, "review")
    _require_state(spec, item, State.IN_REVIEW, doing="review")
    step = item.current_step
    if step is None or step.group_id not in facts.group_ids:
        if step is None:
            raise WorkflowPermissionDenied(_("Only members of the step review this step."))
        raise WorkflowPermissionDenied(
            format_lazy(_("Only members of {group} review this step."), group=role_label(step.group.name))
        )
    if actor.pk in facts.authors_since_publication(item):
        raise WorkflowPermissionDenied(
            format_lazy(
                _("You created this {kind} or edited it since it was last published; someone else must review it."),
                kind=spec.noun,
            )
        )


def _check_approve(spec, item, actor, facts):
    _check_review(spec, item, actor, facts)
    if facts.approved_steps(item) - {item.current_step_id}:
        raise WorkflowPermissionDenied(
            _("You approved an earlier step of this review; another person approves this one.")
        )


def _check_publish(spec, item, actor, facts):
    _require_perm(spec, actor, "publish")
    _require_state(spec, item, State.APPROVED, doing="publish")


def _embargo_passed(item) -> bool:
    """Approved and past its embargo (and gate): public already, whatever the sweep has done (``public_revision``)."""
    return item.is_due(timezone.now())


def _check_schedule(spec, item, actor, facts):
    _check_publish(spec, item, actor, facts)
    if _embargo_passed(item):
        raise TransitionNotAllowed(
            format_lazy(
                _(
                    "This {kind} has been public since its embargo passed; it can no longer be rescheduled. "
                    "Withdraw it if it must come down."
                ),
                kind=spec.noun,
            )
        )


def _check_withdraw(spec, item, actor, facts):
    _require_perm(spec, actor, "withdraw")
    if not item.is_live and not _embargo_passed(item):
        raise TransitionNotAllowed(format_lazy(_("Only a published {kind} can be withdrawn."), kind=spec.noun))


_CHECKS = {
    "submit": _check_submit,
    "request_changes": _check_review,
    "approve": _check_approve,
    "schedule": _check_schedule,
    "publish": _check_publish,
    "withdraw": _check_withdraw,
}
TRANSITIONS = tuple(_CHECKS)


def allowed_transitions(spec: WorkflowSpec, item, actor, facts: ReviewFacts | None = None) -> set[str]:
    """The buttons to show: the transitions this actor may make now (content checks aside, see ``checks_for``)."""
    facts = facts or ReviewFacts(spec, actor, [item])
    allowed = set()
    for name, check in _CHECKS.items():
        try:
            check(spec, item, actor, facts)
        except WorkflowError:
            continue
        allowed.add(name)
    return allowed


def checks_for(spec: WorkflowSpec, item, publish_at: datetime | None = None) -> list[Check]:
    """The content checks of the item's working copy: blockers stop approval, warnings must be acknowledged.

    With ``publish_at``, as they stand at that embargo, the one being approved (an embargo in market hours,
    an announced event public by then or not); else at the item's own."""
    checks = language_checks(spec, item)
    if spec.checks is None:
        return checks
    current_embargo = item.publish_at
    item.publish_at = publish_at or current_embargo
    try:
        return checks + list(spec.checks(item))
    finally:
        item.publish_at = current_embargo


def language_checks(spec: WorkflowSpec, item) -> list[Check]:
    """A blocker for each secondary disclosure language the working revision lacks text in: every translatable
    field filled in the primary language is written in each of them before the revision can be approved."""
    required = languages.secondary() if spec.translatable else []
    revision = item.revisions.filter(number=item.version).first() if required else None
    if revision is None:
        return []
    missing: dict[str, list[str]] = {}
    for language, field in languages.missing(spec, revision.content, required):
        missing.setdefault(language, []).append(languages.field_label(spec, field))
    return [
        Check(
            f"translation-{language}",
            _("%(language)s text missing: %(fields)s")
            % {"language": languages.name_in_use(language), "fields": ", ".join(fields)},
            blocking=True,
        )
        for language, fields in missing.items()
    ]


def checks_for_member(member: Member, publish_at: datetime | None) -> list[Check]:
    """A group member's checks at the group's embargo, which is its own, none included."""
    spec, item = member.spec, member.item
    own_embargo = item.publish_at
    item.publish_at = publish_at
    try:
        return checks_for(spec, item)
    finally:
        item.publish_at = own_embargo


# -- the transitions ----------------------------------------------------------------------------


def _require_step_up(spec, actor, step_up: dict | None) -> dict | None:
    """Approve, schedule, publish and withdraw: a fresh second factor, for every actor who has one.

    ``step_up`` is the evidence ``irportal.accounts.stepup.evidence`` gave the
    view; it goes into the action's audit entry.
    """
    try:
        return stepup.require(actor, step_up)
    except stepup.StepUpRequired as exc:
        raise WorkflowPermissionDenied(exc.message) from None


def require_step_up(spec: WorkflowSpec, *, actor, step_up: dict | None, action: str, pk=None) -> dict | None:
    """For a kind's own change that needs publishing's step-up (a live event's replay link, a cancellation):
    the evidence to audit, or ``WorkflowPermissionDenied`` with the refusal recorded."""
    try:
        return _require_step_up(spec, actor, step_up)
    except WorkflowPermissionDenied as exc:
        record_denial(spec, pk=pk, actor=actor, transition=action, reason=exc.message)
        raise


def _approvals(spec, item):
    return Approval.objects.filter(content_type=ContentType.objects.get_for_model(spec.model), object_id=item.pk)


def _approvals_of(spec, pks):
    return Approval.objects.filter(content_type=ContentType.objects.get_for_model(spec.model), object_id__in=list(pks))


def record_denial(spec: WorkflowSpec, *, pk, actor, transition: str, reason: str) -> None:
    """A refusal into the audit log; a lazy ``reason`` (the engine's messages) is written in the primary language."""
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
        if verb == "change" and pk is not None and (item := spec.model.objects.filter(pk=pk).first()) is not None:
            _check_guards(spec, item, "edit")
    except WorkflowPermissionDenied as exc:
        record_denial(spec, pk=pk, actor=actor, transition=verb, reason=exc.message)
        raise


def _perform(spec, *, pk, actor, transition, apply, each_member=None):
    """Lock, check, apply, audit; a refusal for want of permission is itself audited.

    ``each_member(member, item)``: for a group item, the same transition of each member, after the item's.
    """
    try:
        with transaction.atomic():
            item = spec.model.objects.select_for_update().get(pk=pk)
            _CHECKS[transition](spec, item, actor, ReviewFacts(spec, actor, [item]))
            _check_guards(spec, item, transition)
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
            if each_member is not None and spec.members is not None:
                _each_member(spec, item, lambda member: each_member(member, item))
                _hold_together(spec, item)
            return item
    except WorkflowPermissionDenied as exc:
        record_denial(spec, pk=pk, actor=actor, transition=transition, reason=exc.message)
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

    def each_member(member, item):
        if member.item.status == State.DRAFT:
            submit(member.spec, pk=member.item.pk, actor=actor, comment=comment)

    return _perform(spec, pk=pk, actor=actor, transition="submit", apply=apply, each_member=each_member)


def request_changes(spec: WorkflowSpec, *, pk: int, actor, comment: str):
    if not comment.strip():
        raise WorkflowError(_("Say what needs to change: a comment is required."))

    def apply(item):
        step = item.current_step
        item.status = State.DRAFT
        item.current_step = None
        _comment(spec, item, actor, Comment.Kind.CHANGES_REQUESTED, comment.strip())
        return {"step": step.name, "comment": comment.strip()}

    def each_member(member, item):
        if member.item.status == State.IN_REVIEW:
            request_changes(member.spec, pk=member.item.pk, actor=actor, comment=comment)

    return _perform(spec, pk=pk, actor=actor, transition="request_changes", apply=apply, each_member=each_member)


class ApprovalOptions(TypedDict, total=False):
    """What an approval may carry besides the item and the approver (see ``approve``)."""

    expected_revision: int | None
    expected_hash: str | None
    comment: str
    publish_at: datetime | None
    acknowledged: Collection[str]
    step_up: dict | None


def approve(
    spec: WorkflowSpec,
    *,
    pk: int,
    actor,
    expected_revision: int | None = None,
    expected_hash: str | None = None,
    comment: str = "",
    publish_at: datetime | None = None,
    acknowledged: Collection[str] = (),
    step_up: dict | None = None,
    as_member: bool = False,
):
    """Approve the current step of the revision the approver was shown.

    ``expected_revision`` and ``expected_hash`` are the revision number and
    content hash on the approver's screen; views always pass them. ``None``
    approves the current revision unseen, for callers that show nothing
    (demo data, scripts). ``acknowledged`` names the warnings (by code) of the
    content checks the approver read and accepts; every warning must be.
    ``as_member``: the approval of a group's member, whose embargo is the group's, none included.
    """

    def apply(item):
        revision = item.revisions.get(number=item.version)
        if (expected_revision is not None and expected_revision != revision.number) or (
            expected_hash is not None and expected_hash != revision.content_hash
        ):
            raise TransitionNotAllowed(
                format_lazy(
                    _(
                        "This {kind} changed since you opened it (you saw revision {seen}; it is now at revision "
                        "{number}). Nothing was approved: open it again and review what it says now."
                    ),
                    kind=spec.noun,
                    seen=expected_revision,
                    number=revision.number,
                )
            )
        member = Member(spec, item)
        checks = checks_for_member(member, publish_at) if as_member else checks_for(spec, item, publish_at)
        blockers = [check.message for check in checks if check.blocking]
        if blockers:
            raise TransitionNotAllowed(format_lazy(_("Cannot approve yet: {blockers}"), blockers=_joined(blockers)))
        warnings = [check for check in checks if not check.blocking]
        unacknowledged = [check for check in warnings if check.code not in set(acknowledged)]
        if unacknowledged:
            raise UnacknowledgedWarnings(unacknowledged)
        evidence = _require_step_up(spec, actor, step_up)
        step = item.current_step
        Approval.objects.create(
            content_type=ContentType.objects.get_for_model(spec.model),
            object_id=item.pk,
            review_round=item.review_round,
            step=step,
            approver=actor,
            revision_number=revision.number,
            content_hash=revision.content_hash,
            acknowledged_warnings=[check.as_record() for check in warnings],
        )
        later = [candidate for candidate in ApprovalStep.chain() if candidate.order > step.order]
        if later:
            item.current_step = later[0]
        gate = {}
        if not later:
            item.status = State.APPROVED
            item.current_step = None
            item.approved_revision = revision
            if publish_at is not None or as_member:
                item.publish_at = publish_at
            gate = _shut_gate(spec, item, actor=actor, transition="approve")
        _comment(spec, item, actor, Comment.Kind.APPROVED, comment)
        return gate | {
            "step": step.name,
            "content_hash": revision.content_hash,
            "languages": languages.of(revision.content),
            "acknowledged_warnings": [check.as_record() for check in warnings],
            "step_up": evidence,
            "next_step": later[0].name if later else None,
            "publish_at": item.publish_at.isoformat() if item.publish_at else None,
        }

    def each_member(member, item):
        """The same step of each member's current revision; at the last step, with the group's embargo."""
        prefix = member_code(member, "")
        approve(
            member.spec,
            pk=member.item.pk,
            actor=actor,
            comment=comment,
            publish_at=item.publish_at if item.status == State.APPROVED else None,
            acknowledged={code.removeprefix(prefix) for code in acknowledged if code.startswith(prefix)},
            step_up=step_up,
            as_member=True,
        )

    return _perform(spec, pk=pk, actor=actor, transition="approve", apply=apply, each_member=each_member)


def member_code(member: Member, code: str) -> str:
    """A member's check code as its group shows it (the group's approver acknowledges each member's warnings)."""
    return f"{member.spec.kind}-{member.item.pk}:{code}"


def schedule(
    spec: WorkflowSpec, *, pk: int, actor, publish_at: datetime, step_up: dict | None = None, published_now=False
):
    """Set (or move) an approved item's embargo. ``published_now``: the "Publish now" of an item its gate
    holds (see ``publish``), recorded as the schedule it is."""
    if publish_at is None:
        raise WorkflowError(_("Give the date and time from which the release may be public."))

    def apply(item):
        evidence = _require_step_up(spec, actor, step_up)
        previous = item.publish_at
        item.publish_at = publish_at
        transition = "publish" if published_now else "schedule"
        return _shut_gate(spec, item, actor=actor, transition=transition) | {
            "publish_at": {"before": previous.isoformat() if previous else None, "after": publish_at.isoformat()},
            "content_hash": item.approved_revision.content_hash,
            "step_up": evidence,
            **({"published_now": True} if published_now else {}),
        }

    def each_member(member, item):
        schedule(member.spec, pk=member.item.pk, actor=actor, publish_at=publish_at, step_up=step_up)

    return _perform(spec, pk=pk, actor=actor, transition="schedule", apply=apply, each_member=each_member)


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
    return {
        "content_hash": revision.content_hash,
        "published_at": at.isoformat(),
        "languages": languages.of(revision.content),
    }


def _gated(spec: WorkflowSpec, item) -> bool:
    """Whether a gate holds the item, or (for a group) one of its members: then it waits for the gate."""
    gate = _GATES.get(spec.kind)
    if gate is not None and gate.holds(item):
        return True
    return spec.members is not None and any(_gated(member.spec, member.item) for member in spec.members(item))


def publish(spec: WorkflowSpec, *, pk: int, actor, step_up: dict | None = None):
    """Publish an approved item now (the approver's "Publish now"); past its embargo, as of the embargo.

    An item its kind's gate holds (a release that goes on the newswire), or a group with such a member, is not
    public before the gate opens: "Publish now" makes now its embargo (a ``schedule``, audited as one, with
    ``published_now``), and the public reads it once the gate opens.
    """
    item = spec.model.objects.filter(pk=pk).first()
    if item is not None and item.status == State.APPROVED and not item.is_due(timezone.now()) and _gated(spec, item):
        return schedule(spec, pk=pk, actor=actor, publish_at=timezone.now(), step_up=step_up, published_now=True)

    def apply(item):
        evidence = _require_step_up(spec, actor, step_up)
        now = timezone.now()
        at = item.opens_at if item.is_due(now) else now
        item.status = State.PUBLISHED
        item.publish_at = at
        item.live_revision = item.approved_revision
        item.first_published_at = item.first_published_at or at
        item.last_published_at = at
        return _mark_published(spec, item, at=at, actor=actor) | {"step_up": evidence}

    def each_member(member, item):
        publish(member.spec, pk=member.item.pk, actor=actor, step_up=step_up)

    return _perform(spec, pk=pk, actor=actor, transition="publish", apply=apply, each_member=each_member)


def withdraw(spec: WorkflowSpec, *, pk: int, actor, reason: str, step_up: dict | None = None):
    if not reason.strip():
        raise WorkflowError(_("Give the reason for the withdrawal: it is kept with the record."))

    def apply(item):
        evidence = _require_step_up(spec, actor, step_up)
        if _embargo_passed(item):
            _publish_at_embargo(spec, item)
        item.status = State.WITHDRAWN
        item.withdrawn_at = timezone.now()
        item.withdrawn_reason = reason.strip()
        _comment(spec, item, actor, Comment.Kind.WITHDRAWN, reason.strip())
        return {
            "reason": reason.strip(),
            "content_hash": item.live_revision.content_hash if item.live_revision_id else None,
            "step_up": evidence,
        }

    def each_member(member, item):
        if member.item.is_live or _embargo_passed(member.item):
            withdraw(member.spec, pk=member.item.pk, actor=actor, reason=reason, step_up=step_up)

    return _perform(spec, pk=pk, actor=actor, transition="withdraw", apply=apply, each_member=each_member)


def recall(spec: WorkflowSpec, *, pk: int, actor, reason: str):
    """An approved item the public cannot read yet goes back to draft, its approval void, as an edit would send
    it; for the members of a group taken back to draft (a package edited after its approval). An item that is
    not approved, or public already, is left as it is. Audited as ``<kind>.recall``."""
    with transaction.atomic():
        item = spec.model.objects.select_for_update().get(pk=pk)
        if item.status != State.APPROVED or _embargo_passed(item):
            return item
        item.status, item.current_step, item.approved_revision = State.DRAFT, None, None
        item.held, item.gate_opens_at = False, None
        item.save(update_fields=["status", "current_step", "approved_revision", "held", "gate_opens_at", "updated_at"])
        audit_record(
            action=spec.action("recall"),
            actor=actor,
            obj=item,
            changes={"status": {"before": State.APPROVED, "after": State.DRAFT}},
            data={"revision": item.version, "reason": reason},
        )
        outbox.record_change(spec.kind, item.pk, "recall")
        return item


def publish_due(spec: WorkflowSpec, *, now: datetime) -> list[int]:
    """The sweep's part: publish every approved item whose ``publish_at`` has come.

    Each row is claimed with a conditional UPDATE (``WHERE status = 'approved'
    AND publish_at <= now``) in its own transaction with its audit entry, so
    two sweeps at once publish each item exactly once.
    """
    published = []
    due = spec.model.objects.filter(due_approval(now)).order_by("publish_at")
    for pk in due.values_list("pk", flat=True)[:SWEEP_BATCH]:
        with transaction.atomic():
            claimed = spec.model.objects.filter(due_approval(now), pk=pk).update(
                status=State.PUBLISHED,
                live_revision=F("approved_revision"),
                first_published_at=Coalesce("first_published_at", opening_moment()),
                last_published_at=opening_moment(),
            )
            if claimed != 1:
                continue
            item = spec.model.objects.select_related("approved_revision").get(pk=pk)
            _record_embargo_publication(spec, item, by="sweep")
        published.append(pk)
    return published


def _record_embargo_publication(spec, item, *, by: str) -> None:
    """The publication record, audit entry (as the system) and side effects of an embargo that passed."""
    data = _mark_published(spec, item, at=item.opens_at, actor=None)
    audit_record(
        action=spec.action("publish"),
        actor=None,
        obj=item,
        changes={"status": {"before": State.APPROVED, "after": State.PUBLISHED}},
        data={"revision": item.approved_revision.number, "by": by, **data},
    )
    outbox.record_change(spec.kind, item.pk, "publish", public_already=True)


def _publish_at_embargo(spec, item) -> None:
    """Before any other change of an approved item whose embargo (and gate) has passed: it is published, as of
    that moment, exactly as the sweep would have done (the public has been reading it since then)."""
    opened = item.opens_at
    item.status = State.PUBLISHED
    item.live_revision = item.approved_revision
    item.first_published_at = item.first_published_at or opened
    item.last_published_at = opened
    spec.model.objects.filter(pk=item.pk).update(
        status=item.status,
        live_revision=item.live_revision,
        first_published_at=item.first_published_at,
        last_published_at=item.last_published_at,
    )
    _record_embargo_publication(spec, item, by="embargo")


def oldest_publish_due(spec: WorkflowSpec, *, now: datetime) -> datetime | None:
    """When the longest-waiting approved item fell due (its embargo, or its gate's opening), if any is unpublished."""
    due = spec.model.objects.filter(due_approval(now)).annotate(opened=opening_moment())
    return due.order_by("opened").values_list("opened", flat=True).first()


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
    item.save(
        update_fields=[
            *("version", "status", "current_step", "approved_revision", "last_edited_by", "publish_at"),
            *("held", "gate_opens_at"),
        ]
    )
    return revision


def keep_published_address(item, fields: dict) -> dict:
    """The edit's fields, with a published item's ``slug`` kept as it is: wires and search engines link to it."""
    if item.first_published_at and fields.get("slug", item.slug) != item.slug:
        return {**fields, "slug": item.slug}
    return fields


def content_snapshot(spec: WorkflowSpec, item, content_of: Callable[[models.Model], dict]) -> dict:
    """What a revision of the item holds: the kind's snapshot (``content_of(item)``) in the primary language,
    and under ``translations`` the text of each secondary disclosure language, so that the content hash, the
    approval, the step-up and the publication cover every language together. A kind's snapshot may hold
    ``translations`` of its own (a document's file in a language), which the text of each language joins."""
    content = content_of(item)
    translations = dict(content.get("translations") or {})
    for language, text in (languages.snapshot(spec, item.translations) if spec.translatable else {}).items():
        translations[language] = translations.get(language, {}) | text
    return content | {"translations": translations} if translations else content


def save_first_revision(
    spec: WorkflowSpec,
    item,
    *,
    actor,
    content_of: Callable[[models.Model], dict],
    other_changes: Callable[[], dict] | None = None,
):
    """A new item, in the caller's transaction after its fields are applied: revision 1 and its audit entry.

    ``other_changes()`` adds fields kept outside the revision to the entry, as in ``save_working_copy``.
    """
    content = content_snapshot(spec, item, content_of)
    revision = new_revision(item, content=content, actor=actor, note="Created")
    audit_record(
        action=spec.action("create"),
        actor=actor,
        obj=item,
        changes=diff_fields({}, content) | (other_changes() if other_changes else {}),
        data={"revision": revision.number, "content_hash": revision.content_hash},
    )
    return revision


def save_working_copy(
    spec: WorkflowSpec,
    item,
    *,
    actor,
    action: str,
    apply: Callable[[], None],
    content_of: Callable[[models.Model], dict],
    note: str = "",
    data: dict | None = None,
    other_changes: Callable[[], dict] | None = None,
) -> bool:
    """An edit of the item's working copy, under the caller's row lock: ``apply()`` changes and saves the fields.

    When the content (``content_of(item)``) changed, or for any action but a
    plain edit (a restore, an upload), it becomes a new revision with its audit
    entry, and the item goes back through the workflow
    (``working_revision_saved``). ``other_changes()`` adds changes of fields
    kept outside the revision to the entry. Returns whether a revision was made.
    """
    before = item.revisions.get(number=item.version).content
    apply()
    content = content_snapshot(spec, item, content_of)
    if content == before and action == spec.action("edit"):
        return False
    status_change = working_revision_saved(item, actor=actor)
    revision = new_revision(item, content=content, actor=actor, note=note)
    audit_record(
        action=action,
        actor=actor,
        obj=item,
        changes=diff_fields(before, content) | (other_changes() if other_changes else {}) | status_change,
        data={"revision": revision.number, "content_hash": revision.content_hash, **(data or {})},
    )
    return True


def working_revision_saved(item, *, actor) -> dict:
    """Called by an item's save service, inside its transaction, after a new working revision.

    An edit voids any review or approval: the item returns to draft and must
    pass the workflow again, so what is published is exactly what was
    approved. Returns the state change for the edit's audit entry.
    """
    if item.status == State.WITHDRAWN:
        raise TransitionNotAllowed(_("A withdrawn item is kept as it was; it cannot be edited."))
    spec = next(spec for spec in _SPECS.values() if isinstance(item, spec.model))
    _check_guards(spec, item, "edit")  # the services asked before their transaction, where a refusal is audited
    if _embargo_passed(item):
        # The public reads the approved revision already: this edit is a correction of a published item.
        _publish_at_embargo(spec, item)
    before = item.status
    item.last_edited_by = actor
    if item.last_published_at and item.publish_at and item.publish_at <= item.last_published_at:
        # The embargo of the last publication is spent: a correction needs its own.
        item.publish_at = None
    if item.status != State.DRAFT:
        item.status = State.DRAFT
        item.current_step = None
        item.approved_revision = None
    # A gate held an approval; a draft waits at none.
    item.held, item.gate_opens_at = False, None
    return {"status": {"before": before, "after": item.status}} if before != item.status else {}


# One access record per person, item and view within this time is enough for an insider list.
ACCESS_RECORD_EVERY = timedelta(minutes=5)


def record_access(spec: WorkflowSpec, *, item, actor, view: str) -> None:
    """Insider access: a staff view of an item the public cannot read yet goes into the audit log."""
    record_access_many(spec, items=[item], actor=actor, view=view)


def record_access_many(spec: WorkflowSpec, *, items, actor, view: str) -> int:
    """Insider access for every item of ``items`` whose working copy the public cannot read yet (a list shows
    their titles): never published, or with a correction pending.

    Compliance builds the insider list from these entries; the first
    ``<kind>.publish`` entry closes it. A person who opened the same item in
    the same view within ``ACCESS_RECORD_EVERY`` is already on record.
    Written in one append, whatever the number of items. Returns how many
    entries were written.
    """
    now = timezone.now()
    unpublished = {str(item.pk): item for item in items if item.shows_unpublished(now)}
    if not unpublished:
        return 0
    recent = set(
        AuditEntry.objects.filter(
            action=spec.action("access"),
            actor_id=actor.pk,
            object_type=object_type_of(spec.model),
            object_id__in=list(unpublished),
            timestamp__gte=now - ACCESS_RECORD_EVERY,
            data__view=view,
        ).values_list("object_id", flat=True)
    )
    fresh = [item for pk, item in unpublished.items() if pk not in recent]
    audit_record_many(
        action=spec.action("access"), actor=actor, objects=fresh, data={"view": view, "roles": roles_of(actor)}
    )
    return len(fresh)


def may_comment(spec: WorkflowSpec, actor) -> bool:
    """Comments are part of the editorial work: authors and reviewers of the kind; compliance only reads."""
    return (
        actor is not None
        and actor.is_authenticated
        and (actor.has_perm(spec.perm("submit")) or actor.has_perm(spec.perm("review")))
    )


def add_comment(spec: WorkflowSpec, *, pk: int, actor, body: str) -> Comment:
    """Comments are part of the review: authors (submit) and reviewers (review) write them. Compliance
    reviewers and IR Admins read them; their questions go to the team outside the record."""
    if not may_comment(spec, actor):
        reason = format_lazy(
            _("Your role does not allow you to comment on {a_kind}: its authors and reviewers comment."),
            a_kind=spec.a_noun,
        )
        record_denial(spec, pk=pk, actor=actor, transition="comment", reason=reason)
        raise WorkflowPermissionDenied(reason)
    if not body.strip():
        raise WorkflowError(_("Write something first: the comment is empty."))
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
