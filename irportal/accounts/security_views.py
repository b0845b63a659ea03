"""A user's own sign-in security (/staff/account/...): the second step of sign-in, second factors,
recovery codes and sessions; and the IR Admin's reset of another user's factors and sessions."""

import segno
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views import View
from django_otp.plugins.otp_totp.models import TOTPDevice

from irportal.accounts import mfa, services, sessions, stepup, throttle
from irportal.accounts.middleware import mfa_exempt
from irportal.accounts.views import locked_out, safe_next, with_next
from irportal.audit.permissions import SignedInMixin, StaffPermissionMixin

User = get_user_model()

PENDING_TOTP_KEY = "mfa_pending_totp_key"


@mfa_exempt
class SecondStepView(SignedInMixin, View):
    """Sign-in, second step: a code from the authenticator app, a passkey, or a recovery code."""

    template_name = "registration/second_factor.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not mfa.has_factor(request.user):
            return redirect("accounts:mfa_setup")
        return super().dispatch(request, *args, **kwargs)

    def context(self, **extra):
        devices = mfa.primary_devices(self.request.user)
        return {
            "next": safe_next(self.request, self.request.POST.get("next", self.request.GET.get("next"))),
            "has_totp": any(mfa.factor_of(device) == mfa.TOTP for device in devices),
            "has_webauthn": any(mfa.factor_of(device) == mfa.WEBAUTHN for device in devices),
            **extra,
        }

    def get(self, request):
        if request.user.is_verified():
            return redirect(self.context()["next"] or reverse("accounts:console"))
        return render(request, self.template_name, self.context())

    def post(self, request):
        username = request.user.get_username()
        if throttle.locked(request, username):
            return locked_out(request, credentials={"username": username})
        try:
            mfa.check_code(request, request.POST.get("code", ""), purpose="sign_in")
        except mfa.CodeRefused as refused:
            return render(request, self.template_name, self.context(error=str(refused)), status=400)
        return redirect(self.context()["next"] or reverse("accounts:console"))


class EnrolmentMixin(SignedInMixin):
    """Factor pages: reachable before enrolment, but once a user has a factor only in a verified session
    (a password alone must never be enough to add or remove a factor)."""

    def dispatch(self, request, *args, **kwargs):
        user = request.user
        if user.is_authenticated and mfa.has_factor(user) and not user.is_verified():
            return redirect(with_next("accounts:mfa_verify", request.path))
        return super().dispatch(request, *args, **kwargs)


@mfa_exempt
class TwoFactorView(EnrolmentMixin, View):
    template_name = "staff/account/two_factor.html"

    def get(self, request):
        user = request.user
        devices = [
            {"device": device, "factor": mfa.factor_of(device), "label": mfa.FACTOR_LABELS[mfa.factor_of(device)]}
            for device in mfa.primary_devices(user)
        ]
        context = {
            "devices": devices,
            "required": mfa.required_for(user),
            "recovery_codes_left": mfa.recovery_codes_left(user),
            "new_codes": request.session.pop(mfa.NEW_RECOVERY_CODES, None),
            "next": safe_next(request, request.GET.get("next")),
            "can_add_passkey": not devices or user.is_verified(),
        }
        return render(request, self.template_name, context)


def _qr_data_uri(uri: str) -> str:
    return segno.make(uri, error="m").svg_data_uri(scale=4, border=2)


@mfa_exempt
class TotpEnrolView(EnrolmentMixin, View):
    """Add an authenticator app: scan the code (or type the secret), then confirm with the first code it shows."""

    template_name = "staff/account/totp.html"

    def key(self):
        key = self.request.session.get(PENDING_TOTP_KEY)
        if not key:
            key = mfa.new_totp_key()
            self.request.session[PENDING_TOTP_KEY] = key
        return key

    def render_form(self, error="", status=200):
        device = TOTPDevice(user=self.request.user, key=self.key(), name="Authenticator app")
        uri = device.config_url
        secret = uri.split("secret=", 1)[1].split("&", 1)[0]
        context = {
            "uri": uri,
            "secret": secret,
            "qr": _qr_data_uri(uri),
            "error": error,
            "next": safe_next(self.request, self.request.POST.get("next", self.request.GET.get("next"))),
        }
        return render(self.request, self.template_name, context, status=status)

    def get(self, request):
        return self.render_form()

    def post(self, request):
        username = request.user.get_username()
        if throttle.locked(request, username):
            return locked_out(request, credentials={"username": username})
        try:
            mfa.enrol_totp(
                request, key=self.key(), code=request.POST.get("code", ""), name=request.POST.get("name", "")
            )
        except mfa.CodeRefused as refused:
            return self.render_form(error=str(refused), status=400)
        del request.session[PENDING_TOTP_KEY]
        mfa.ensure_recovery_codes(request)
        messages.success(request, "The authenticator app was added. You will be asked for its code when you sign in.")
        return redirect(with_next("accounts:mfa_setup", safe_next(request, request.POST.get("next"))))


class RecoveryCodesView(SignedInMixin, View):
    """New recovery codes (the old ones stop working); a fresh second factor is asked for first."""

    def post(self, request):
        if not mfa.has_factor(request.user):
            raise Http404("Add a second factor first.")
        try:
            stepup.evidence(request)
        except stepup.StepUpRequired as required:
            return stepup.challenge(request, required, action="Make new recovery codes")
        request.session[mfa.NEW_RECOVERY_CODES] = mfa.new_recovery_codes(request)
        return redirect("accounts:mfa_setup")


class RemoveFactorView(SignedInMixin, View):
    def post(self, request, factor, pk):
        user = request.user
        device = mfa.device_for(user, factor, pk)
        if device is None:
            raise Http404("No such factor")
        if mfa.required_for(user) and len(mfa.primary_devices(user)) == 1:
            messages.error(request, "Your role needs a second factor: add another before you remove this one.")
            return redirect("accounts:mfa_setup")
        try:
            stepup.evidence(request)
        except stepup.StepUpRequired as required:
            return stepup.challenge(request, required, action=f"Remove {device.name}")
        mfa.remove_device(request, device)
        messages.success(request, f"{device.name} was removed.")
        return redirect("accounts:mfa_setup")


class SessionListView(SignedInMixin, View):
    template_name = "staff/account/sessions.html"

    def get(self, request):
        rows = [
            {
                "session": row,
                "device": sessions.device_label(row.user_agent),
                "current": row.session_key == request.session.session_key,
            }
            for row in sessions.active_for(request.user)
        ]
        return render(request, self.template_name, {"rows": rows})


class SessionEndView(SignedInMixin, View):
    def post(self, request, pk):
        if not sessions.end_session(actor=request.user, user=request.user, session_id=pk):
            raise Http404("No such session")
        messages.success(request, "The session was ended: that browser is signed out.")
        return redirect("accounts:sessions")


class SessionEndOthersView(SignedInMixin, View):
    def post(self, request):
        ended = sessions.end_all(
            actor=request.user, user=request.user, keep=request.session.session_key, reason="ended by the user"
        )
        messages.success(request, f"{ended} other session{'s' if ended != 1 else ''} ended.")
        return redirect("accounts:sessions")


class UserSessionsEndView(StaffPermissionMixin, View):
    """IR Admin: sign a user out everywhere."""

    permission_required = "auth.change_user"

    def post(self, request, pk):
        user = get_object_or_404(User, pk=pk)
        keep = request.session.session_key if user.pk == request.user.pk else None
        ended = sessions.end_all(actor=request.user, user=user, keep=keep, reason="ended by an IR Admin")
        messages.success(request, f"{ended} session{'s' if ended != 1 else ''} of {user.get_username()} ended.")
        return redirect("accounts:user_update", pk=pk)


class UserFactorsResetView(StaffPermissionMixin, View):
    """IR Admin: remove every second factor of a user, who is signed out everywhere and told by email."""

    permission_required = "auth.change_user"

    def post(self, request, pk):
        user = get_object_or_404(User, pk=pk)
        if user.pk == request.user.pk:
            messages.error(request, "Ask another IR Admin to reset your own factors.")
            return redirect("accounts:user_update", pk=pk)
        try:
            stepup.evidence(request)
        except stepup.StepUpRequired as required:
            return stepup.challenge(request, required, action=f"Reset the second factors of {user.get_username()}")
        removed = services.user_factors_reset(actor=request.user, user=user)
        messages.success(
            request,
            f"{len(removed)} factor{'s' if len(removed) != 1 else ''} of {user.get_username()} removed; "
            "their sessions were ended and they were told by email.",
        )
        return redirect("accounts:user_update", pk=pk)
