"""Retention: what the app must never delete, and for how long it is kept.

Apps register the models whose rows are records (a published release, an
event that was public, every audit entry) with a predicate, a ``Q`` that says
which rows are protected, e.g. ``Q(status__in=["published", "withdrawn"])``::

    from irportal.audit import retention

    retention.protect(
        Release,
        when=Q(status__in=["published", "withdrawn"]) | Q(live_revision__isnull=False),
        reason="published and withdrawn releases are records",
        retained_from="first_published_at",
    )

A ``pre_delete`` guard then refuses to delete a protected row, whatever path
tries (a view, a queryset, a cascade), by raising ``RetentionRefused`` before
anything is deleted. The refusal rolls the deletion's transaction back, so it
is recorded (``retention.delete_refused``) where the error surfaces:
``RetentionRefusalMiddleware`` for web requests (it also shows the message),
``record_refusal`` for other callers. ``refuse_if_protected`` lets a view check
first and record the refusal without starting a deletion at all.

``AUDIT_RETENTION_YEARS`` (default 5) is the minimum retention:
``retention_report`` lists, per protected model, how many rows are still inside
it. The app deletes no protected row at any age; archival after the minimum is
an operator's decision, taken outside the app.
"""

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db.models import Model, Q
from django.db.models.signals import pre_delete
from django.shortcuts import render
from django.utils import timezone

from irportal.audit.exceptions import RetentionRefused


@dataclass(frozen=True)
class RetentionRule:
    model: type[Model]
    when: Q
    reason: str
    retained_from: str | None = None

    @property
    def label(self) -> str:
        return self.model._meta.label_lower

    def protected(self):
        return self.model._base_manager.filter(self.when)

    def is_protected(self, obj) -> bool:
        """Asked of the database, not of the instance in memory: what is stored is what is protected."""
        if obj.pk is None:
            return False
        return self.protected().filter(pk=obj.pk).exists()


_RULES: dict[str, RetentionRule] = {}


def _dispatch_uid(model) -> str:
    return f"retention_guard:{model._meta.label_lower}"


def protect(model: type[Model], *, when: Q, reason: str, retained_from: str | None = None) -> RetentionRule:
    """Register ``model``: rows matching ``when`` cannot be deleted through the app."""
    rule = RetentionRule(model=model, when=when, reason=reason, retained_from=retained_from)
    _RULES[rule.label] = rule
    pre_delete.connect(_guard, sender=model, dispatch_uid=_dispatch_uid(model), weak=False)
    return rule


def unprotect(model: type[Model]) -> None:
    """Remove a registration (for tests and for apps that replace their rule)."""
    _RULES.pop(model._meta.label_lower, None)
    pre_delete.disconnect(sender=model, dispatch_uid=_dispatch_uid(model))


def rules() -> list[RetentionRule]:
    return [_RULES[label] for label in sorted(_RULES)]


def rule_for(obj_or_model) -> RetentionRule | None:
    return _RULES.get(obj_or_model._meta.label_lower)


def refusal_for(obj) -> RetentionRefused | None:
    """The refusal deleting ``obj`` would meet, or None when it may be deleted."""
    rule = rule_for(obj)
    if rule is None or not rule.is_protected(obj):
        return None
    return RetentionRefused(
        object_type=rule.label,
        object_id=str(obj.pk),
        object_label=str(obj)[:255],
        reason=rule.reason,
    )


def _guard(sender, instance, **kwargs):
    refusal = refusal_for(instance)
    if refusal is not None:
        raise refusal


def record_refusal(refusal: RetentionRefused, *, actor=None):
    """Write ``retention.delete_refused`` for a refusal (call it after the refused transaction ended)."""
    from irportal.audit.services import audit_record

    return audit_record(
        action="retention.delete_refused",
        actor=actor,
        object_type=refusal.object_type,
        object_id=refusal.object_id,
        object_label=refusal.object_label,
        data={"reason": refusal.reason},
    )


def refuse_if_protected(obj, *, actor) -> None:
    """For views that delete: check before deleting; a protected object is refused and the attempt recorded."""
    refusal = refusal_for(obj)
    if refusal is not None:
        record_refusal(refusal, actor=actor)
        refusal.recorded = True
        raise refusal


class RetentionRefusalMiddleware:
    """Record a refused deletion that reached a view and answer 403 with the reason."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, RetentionRefused):
            return None
        if not getattr(exception, "recorded", False):
            record_refusal(exception, actor=getattr(request, "user", None))
        return render(
            request,
            "staff/audit/retention_refused.html",
            {"refusal": exception, "retention_years": settings.AUDIT_RETENTION_YEARS},
            status=403,
        )


@dataclass(frozen=True)
class RetentionLine:
    label: str
    reason: str
    protected: int
    within_minimum: int | None
    oldest: object


def retention_report(now=None) -> tuple[object, list[RetentionLine]]:
    """Per protected model: rows protected, and of those still inside the minimum retention."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=round(365.25 * settings.AUDIT_RETENTION_YEARS))
    lines = []
    for rule in rules():
        protected = rule.protected()
        within, oldest = None, None
        if rule.retained_from:
            within = protected.filter(**{f"{rule.retained_from}__gt": cutoff}).count()
            oldest = protected.order_by(rule.retained_from).values_list(rule.retained_from, flat=True).first()
        lines.append(RetentionLine(rule.label, rule.reason, protected.count(), within, oldest))
    return cutoff, lines
