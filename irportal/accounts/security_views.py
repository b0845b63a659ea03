"""A user's own sign-in security (/staff/account/...): the second step of sign-in, second factors,
recovery codes and sessions; and the IR Admin's reset of another user's factors and sessions."""

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views import View
from django_otp.plugins.otp_totp.models import TOTPDevice

from irportal.accounts import links, mfa, services, sessions, stepup, throttle
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


class ReauthView(SignedInMixin, View):
    """Confirm it is you: the password and a factor again, before a change of factors or of sessions."""

    template_name = "registration/reauthenticate.html"

    def context(self, **extra):
        user = self.request.user
        devices = mfa.primary_devices(user)
        return {
            "next": safe_next(self.request, self.request.POST.get("next", self.request.GET.get("next"))),
            "has_factor": bool(devices),
            "has_webauthn": any(mfa.factor_of(device) == mfa.WEBAUTHN for device in devices),
            **extra,
        }

    def get(self, request):
        request.session[mfa.REAUTH_ASKED_AT] = timezone.now().isoformat()
        return render(request, self.template_name, self.context())

    def post(self, request):
        username = request.user.get_username()
        if throttle.locked(request, username):
            return locked_out(request, credentials={"username": username})
        try:
            mfa.reauthenticate(request, password=request.POST.get("password", ""), code=request.POST.get("code", ""))
        except mfa.CodeRefused as refused:
            return render(request, self.template_name, self.context(error=str(refused)), status=400)
        return redirect(self.context()["next"] or reverse("accounts:mfa_setup"))


def _refused(request, reason: str, back: str):
    """A change this session may not make now: logged, and the user sent where it can be made."""
    if request.method not in ("GET", "HEAD"):
        mfa.refuse_change(request, reason)
    if reason == mfa.NEEDS_LINK:
        return redirect("accounts:mfa_setup")
    return redirect(with_next("accounts:reauthenticate", back))


class FactorChangeMixin(SignedInMixin):
    """Adding, removing and renewing factors: a verified session is not enough (see ``mfa.change_refusal``)."""

    def dispatch(self, request, *args, **kwargs):
        user = request.user
        if user.is_authenticated and mfa.has_factor(user) and not user.is_verified():
            if request.method not in ("GET", "HEAD"):
                mfa.refuse_change(request, "second factor not yet given in this session")
            return redirect(with_next("accounts:mfa_verify", request.path))
        if user.is_authenticated:
            reason = mfa.change_refusal(request)
            if reason:
                back = request.path if request.method in ("GET", "HEAD") else reverse("accounts:mfa_setup")
                return _refused(request, reason, back)
        return super().dispatch(request, *args, **kwargs)


@mfa_exempt
class TwoFactorView(SignedInMixin, View):
    template_name = "staff/account/two_factor.html"

    def get(self, request):
        user = request.user
        if mfa.has_factor(user) and not user.is_verified():
            return redirect(with_next("accounts:mfa_verify", request.path))
        devices = [
            {"device": device, "factor": mfa.factor_of(device), "label": mfa.FACTOR_LABELS[mfa.factor_of(device)]}
            for device in mfa.primary_devices(user)
        ]
        refusal = mfa.change_refusal(request)
        context = {
            "devices": devices,
            "required": mfa.required_for(user),
            "recovery_codes_left": mfa.recovery_codes_left(user),
            "old_recovery_codes": mfa.has_old_recovery_codes(user),
            "new_codes": request.session.pop(mfa.NEW_RECOVERY_CODES, None),
            "next": safe_next(request, request.GET.get("next")),
            "may_change": not refusal,
            "needs_link": refusal == mfa.NEEDS_LINK,
        }
        return render(request, self.template_name, context)


def _qr_data_uri(uri: str) -> str:
    return segno.make(uri, error="m").svg_data_uri(scale=4, border=2)


@mfa_exempt
class TotpEnrolView(FactorChangeMixin, View):
    """Add an authenticator app: scan the code (or type the secret), then confirm with the first code it shows."""

    template_name = "staff/account/totp.html"

    def key(self):
        key = self.request.session.get(PENDING_TOTP_KEY)
        if not key:
            key = mfa.new_totp_key()
            self.request.session[PENDING_TOTP_KEY] = key
        return key

    def render_form(self, error="", status=200):
        device = TOTPDevice(user=self.request.user, key=self.key(), name=_("Authenticator app"))
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
        messages.success(
            request,
            _("The authenticator app was added. You will be asked for its code when you sign in; your other "
              "sessions were ended and you were told by email."),
        )  # fmt: skip
        return redirect(with_next("accounts:mfa_setup", safe_next(request, request.POST.get("next"))))


class RecoveryCodesView(FactorChangeMixin, View):
    """New recovery codes (the old ones stop working), after the password and a factor again."""

    def post(self, request):
        if not mfa.has_factor(request.user):
            raise Http404(_("Add a second factor first."))
        request.session[mfa.NEW_RECOVERY_CODES] = mfa.new_recovery_codes(request)
        return redirect("accounts:mfa_setup")


class RemoveFactorView(FactorChangeMixin, View):
    def post(self, request, factor, pk):
        user = request.user
        device = mfa.device_for(user, factor, pk)
        if device is None:
            raise Http404("No such factor")
        if mfa.required_for(user) and len(mfa.primary_devices(user)) == 1:
            messages.error(request, _("Your role needs a second factor: add another before you remove this one."))
            return redirect("accounts:mfa_setup")
        mfa.remove_device(request, device)
        messages.success(
            request, _("%(device)s was removed; your other sessions were ended.") % {"device": device.name}
        )
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
        context = {"rows": rows, "reauthenticated": mfa.reauthenticated(request), "limit": settings.SESSION_LIMIT}
        return render(request, self.template_name, context)


class ReauthForOthersMixin(SignedInMixin):
    """Ending one's other sessions needs the password and a factor again: a stolen session must not sign the
    owner out and stay alone."""

    def dispatch(self, request, *args, **kwargs):
        user = request.user
        if user.is_authenticated and not self.ends_only_this(request, **kwargs) and not mfa.reauthenticated(request):
            return _refused(request, mfa.NEEDS_REAUTH, reverse("accounts:sessions"))
        return super().dispatch(request, *args, **kwargs)

    def ends_only_this(self, request, **kwargs) -> bool:
        return False


class SessionEndView(ReauthForOthersMixin, View):
    def ends_only_this(self, request, pk=None, **kwargs) -> bool:
        return sessions.is_current(request, pk)

    def post(self, request, pk):
        if not sessions.end_session(actor=request.user, user=request.user, session_id=pk):
            raise Http404("No such session")
        messages.success(request, _("The session was ended: that browser is signed out."))
        return redirect("accounts:sessions")


class SessionEndOthersView(ReauthForOthersMixin, View):
    def post(self, request):
        ended = sessions.end_all(
            actor=request.user, user=request.user, keep=request.session.session_key, reason="ended by the user"
        )
        messages.success(
            request,
            ngettext(
                "%(count)s other session(s) ended, and your private calendar address no longer works.",
                "%(count)s other session(s) ended, and your private calendar address no longer works.",
                ended,
            )
            % {"count": ended},
        )
        return redirect("accounts:sessions")


class UserSessionsEndView(StaffPermissionMixin, View):
    """IR Admin: sign a user out everywhere."""

    permission_required = "auth.change_user"

    def post(self, request, pk):
        user = get_object_or_404(User, pk=pk)
        keep = request.session.session_key if user.pk == request.user.pk else None
        ended = sessions.end_all(actor=request.user, user=user, keep=keep, reason="ended by an IR Admin")
        messages.success(
            request,
            ngettext("%(count)s session of %(username)s ended.", "%(count)s sessions of %(username)s ended.", ended)
            % {"count": ended, "username": user.get_username()},
        )
        return redirect("accounts:user_update", pk=pk)


class UserPasswordResetView(StaffPermissionMixin, View):
    """IR Admin: email a user a link to choose a new password (audited; the second factor is still asked for)."""

    permission_required = "auth.change_user"

    def post(self, request, pk):
        user = get_object_or_404(User, pk=pk)
        try:
            services.user_password_reset(actor=request.user, user=user)
        except links.LinkError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(
                request,
                _("%(username)s was sent a link to choose a new password, at %(email)s.")
                % {"username": user.get_username(), "email": user.email},
            )
        return redirect("accounts:user_update", pk=pk)


class UserFactorsResetView(StaffPermissionMixin, View):
    """IR Admin: remove every second factor of a user, who is signed out everywhere and sent a set-up link."""

    permission_required = "auth.change_user"

    def post(self, request, pk):
        user = get_object_or_404(User, pk=pk)
        if user.pk == request.user.pk:
            messages.error(request, _("Ask another IR Admin to reset your own factors."))
            return redirect("accounts:user_update", pk=pk)
        try:
            stepup.evidence(request)
        except stepup.StepUpRequired as required:
            action = format_lazy(gettext_lazy("Reset the second factors of {username}"), username=user.get_username())
            return stepup.challenge(request, required, action=action)
        removed = services.user_factors_reset(actor=request.user, user=user)
        if user.email:
            told = _("they were sent a link by email to choose a new password and add a factor again.")
        else:
            told = _("they have no email address: an operator can print them a link with manage.py account_link.")
        messages.success(
            request,
            ngettext(
                "%(count)s factor(s) of %(username)s removed; their sessions were ended and %(told)s",
                "%(count)s factor(s) of %(username)s removed; their sessions were ended and %(told)s",
                len(removed),
            )
            % {"count": len(removed), "username": user.get_username(), "told": told},
        )
        return redirect("accounts:user_update", pk=pk)
