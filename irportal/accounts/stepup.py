"""Step-up: the second factor again, fresh, before an action that publishes in the company's name.

A view that approves, schedules, publishes or withdraws calls ``evidence``
before it calls the workflow::

    try:
        step_up = stepup.evidence(request)
    except stepup.StepUpRequired as required:
        return stepup.challenge(request, required, action="Approve this release")
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

from datetime import timedelta

from django.conf import settings
from django.shortcuts import render
from django.utils import timezone

from irportal.accounts import mfa
from irportal.audit.services import audit_record

CODE_FIELD = "second_factor_code"
# Fields of the original form that are not carried into the challenge.
_NOT_CARRIED = {"csrfmiddlewaretoken", CODE_FIELD}


class StepUpRequired(Exception):
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
