"""The console's panels on the staff dashboard: what waits for me, what is scheduled, my drafts, what went out.

Each panel reads a bounded list per kind (one query a kind), so the
dashboard's query count does not grow with the data.
"""

from datetime import datetime

from django.contrib.contenttypes.models import ContentType
from django.db.models import Exists, OuterRef, Q
from django.db.models.functions import Coalesce

from irportal.accounts.dashboard import Panel, register
from irportal.audit.models import AuditEntry
from irportal.workflow.console import kinds
from irportal.workflow.engine import AUDIT_LABELS
from irportal.workflow.models import Approval, State

SHOWN = 10


def _viewable(user):
    return [kind for kind in kinds() if user.has_perm(kind.perm("view"))]


def _rows(pairs):
    return [{"kind": kind, "item": item} for kind, items in pairs for item in items]


def waiting_for_me(user, now: datetime) -> dict:
    """In review at a step of a group I am in, not my own work, and not a step after one I approved this round."""
    pairs = []
    for kind in _viewable(user):
        if not user.has_perm(kind.perm("review")):
            continue
        earlier = Approval.objects.filter(
            content_type=ContentType.objects.get_for_model(kind.model),
            object_id=OuterRef("pk"),
            review_round=OuterRef("review_round"),
            approver=user,
        ).exclude(step=OuterRef("current_step"))
        items = (
            kind.model.objects.filter(status=State.IN_REVIEW, current_step__group__in=user.groups.all())
            .exclude(Q(created_by=user) | Q(last_edited_by=user))
            .exclude(Exists(earlier))
            .select_related("current_step", "created_by")
            .order_by("updated_at")[:SHOWN]
        )
        pairs.append((kind, items))
    return {"rows": _rows(pairs)}


def scheduled(user, now: datetime) -> dict:
    """Approved with an embargo still ahead: when each goes public, in company time and UTC."""
    pairs = [
        (kind, kind.model.objects.filter(status=State.APPROVED, publish_at__gt=now).order_by("publish_at")[:SHOWN])
        for kind in _viewable(user)
    ]
    rows = sorted(_rows(pairs), key=lambda row: row["item"].publish_at)
    return {"rows": rows}


def my_drafts(user, now: datetime) -> dict:
    pairs = [
        (
            kind,
            kind.model.objects.filter(Q(created_by=user) | Q(last_edited_by=user), status=State.DRAFT).order_by(
                "-updated_at"
            )[:SHOWN],
        )
        for kind in _viewable(user)
    ]
    return {"rows": _rows(pairs)}


def recently_published(user, now: datetime) -> dict:
    """Public now, newest first (an embargo that has passed counts, with or without the sweep)."""
    pairs = [
        (
            kind,
            kind.model.objects.public(now)
            .annotate(out_at=Coalesce("last_published_at", "publish_at"))
            .order_by("-out_at", "-pk")[:SHOWN],
        )
        for kind in _viewable(user)
    ]
    rows = sorted(_rows(pairs), key=lambda row: row["item"].out_at, reverse=True)[:SHOWN]
    return {"rows": rows}


def latest_activity(user, now: datetime) -> dict:
    """The newest workflow entries of the audit log about the kinds I may open (insider reads left out)."""
    actions = [
        kind.workflow.action(transition)
        for kind in _viewable(user)
        for transition in AUDIT_LABELS
        if transition != "access"
    ]
    return {"entries": list(AuditEntry.objects.filter(action__in=actions).order_by("-sequence")[:SHOWN])}


def _may_review(user) -> bool:
    return any(user.has_perm(kind.perm("review")) for kind in kinds())


def may_view_some_kind(user) -> bool:
    return any(user.has_perm(kind.perm("view")) for kind in kinds())


def _may_write(user) -> bool:
    return any(user.has_perm(kind.perm("change")) for kind in kinds())


def register_panels() -> None:
    register(Panel("waiting", "staff/dashboard/_waiting.html", waiting_for_me, order=10, shown_to=_may_review))
    register(Panel("scheduled", "staff/dashboard/_scheduled.html", scheduled, order=20, shown_to=may_view_some_kind))
    register(Panel("drafts", "staff/dashboard/_drafts.html", my_drafts, order=40, shown_to=_may_write))
    register(
        Panel("published", "staff/dashboard/_published.html", recently_published, order=50, shown_to=may_view_some_kind)
    )
    register(
        Panel("activity", "staff/dashboard/_activity.html", latest_activity, order=90, shown_to=may_view_some_kind)
    )
