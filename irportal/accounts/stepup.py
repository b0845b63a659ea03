"""Step-up: the second factor again, fresh, before an action that publishes in the company's name.

A view that approves, schedules, publishes or withdraws calls ``evidence``
before it calls the workflow::

    try:
        step_up = stepup.evidence(request)
    except stepup.StepUpRequired as required:
        return stepup.challenge(request, required, action=gettext_lazy("Approve this release"))
    workflow.release_approve(..., step_up=step_up)

``evidence`` answers ``{"verified_at": ..., "factor": "totp" | "webauthn" |
"recovery_code"}`` when the session's last factor check is at most
``MFA_STEP_UP_SECONDS`` old, or when the form carries a code that checks out
now; ``None`` for a user who has no factor (and whose role needs none).
Otherwise it raises ``StepUpRequired``, and ``challenge`` answers the same
form again (every field the user typed kept as a hidden input) with a field
for the code and the passkey button; posting it repeats the action with the
code, so nothing typed is lost. The workflow writes the evidence into the
action's audit entry, next to the content hash it covers.
"""

from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from irportal.accounts import mfa
from irportal.audit.services import audit_record

CODE_FIELD = "second_factor_code"
# Fields of the original form that are not carried into the challenge.
_NOT_CARRIED = {"csrfmiddlewaretoken", CODE_FIELD}


class StepUpRequired(Exception):
    """A fresh second factor is needed; ``message`` (lazy where it can be) says why, to the person and to the log."""

    def __init__(self, message: str = ""):
        super().__init__(message)
        self.message = message


def is_fresh(request) -> bool:
    at = mfa.verified_at(request)
    return at is not None and timezone.now() - at <= timedelta(seconds=settings.MFA_STEP_UP_SECONDS)


def _evidence_from_session(request) -> dict:
    return {"verified_at": request.session[mfa.VERIFIED_AT], "factor": request.session[mfa.VERIFIED_FACTOR]}


def evidence(request) -> dict | None:
    """Proof of a fresh second factor for this request, or None for a user without one; else StepUpRequired."""
    user = request.user
    code = request.POST.get(CODE_FIELD, "")
    if code.strip():
        try:
            mfa.check_code(request, code, purpose="step_up")
        except mfa.CodeRefused as refused:
            raise StepUpRequired(str(refused)) from None
        return _evidence_from_session(request)
    if is_fresh(request):
        return _evidence_from_session(request)
    if not mfa.has_factor(user) and not mfa.required_for(user):
        return None
    raise StepUpRequired()


def require(actor, step_up: dict | None) -> dict | None:
    """In the action itself: the evidence its caller handed over is fresh, for every actor who has a factor.

    Answers the evidence to write into the action's audit entry (None for an
    actor without a factor, or the system); raises ``StepUpRequired`` with
    the reason. Views get the evidence from ``evidence``; the action checks
    it again, so that no other caller can skip the step-up.
    """
    if step_up is None:
        if actor is not None and mfa.has_factor(actor):
            raise StepUpRequired(_("Confirm with your second factor first: it was not checked recently."))
        return None
    verified_at = datetime.fromisoformat(step_up["verified_at"])
    if timezone.now() - verified_at > timedelta(seconds=settings.MFA_STEP_UP_SECONDS):
        raise StepUpRequired(_("Your second factor was checked too long ago; confirm with it again."))
    return {"verified_at": step_up["verified_at"], "factor": step_up["factor"]}


def require_or_deny(actor, step_up: dict | None, *, action: str, **about) -> dict | None:
    """``require``, for a change outside the workflow (a role grant, the approval chain): a refusal is
    written to the log as a permission denial (``about`` says what was refused) and raised as
    ``PermissionDenied``. Call it before the change's transaction, so that the refusal stays written."""
    if actor is None:  # the system (seed_demo, a management command)
        return None
    try:
        return require(actor, step_up)
    except StepUpRequired as required:
        audit_record(
            action="security.permission_denied",
            actor=actor,
            data={"action": action, **about, "reason": required.message},
        )
        raise PermissionDenied(required.message) from None


def challenge(request, required: StepUpRequired, *, action: str):
    """The form again, asking for the second factor; the refusal is written to the log (nothing changed)."""
    audit_record(
        action="security.step_up_required",
        actor=request.user,
        data={"path": request.path[:500], "action": action, "code_refused": bool(required.message)},
    )
    carried = [(name, value) for name, value in request.POST.lists() if name not in _NOT_CARRIED]
    context = {
        "action": action,
        "error": required.message,
        "carried": [(name, value) for name, values in carried for value in values],
        "code_field": CODE_FIELD,
        "minutes": max(1, settings.MFA_STEP_UP_SECONDS // 60),
        "has_webauthn": any(mfa.factor_of(device) == mfa.WEBAUTHN for device in mfa.primary_devices(request.user)),
    }
    return render(request, "registration/step_up.html", context, status=403)
