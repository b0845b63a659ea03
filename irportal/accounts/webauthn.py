"""Passkeys and security keys (django-otp-webauthn), as a second factor only.

The package's views do the WebAuthn ceremonies; these subclasses add what
this site needs around them: registering a key is a change of factors
(``mfa.change_refusal``: the password and a factor again, or a one-time
link's session for a first factor), and every refused registration is
written to the audit log; a registration is audited and mailed and is no
step-up evidence; a use is audited and marks the session's step-up time, a
failed use counts as a failed sign-in (django-axes), and after a use the
browser goes only to a ``next`` address on this site. The ceremonies' JavaScript is the package's
own static files, served from this site (no inline script: its
configuration is a JSON data block).
"""

import json

from django.conf import settings
from django.contrib.auth.signals import user_login_failed
from django.shortcuts import resolve_url
from django.utils.translation import gettext_lazy as _
from django_otp_webauthn import exceptions
from django_otp_webauthn import views as webauthn_views

from irportal.accounts import mfa, throttle
from irportal.accounts.middleware import mfa_exempt
from irportal.accounts.views import safe_next


class FactorChangeRefused(exceptions.OTPWebAuthnApiError):
    status_code = 403
    default_code = "factor_change_refused"
    default_detail = _("Confirm it is you first: your password and your second factor again.")


NEEDS_LINK_DETAIL = _("Your first second factor can only be added through the link an IR Admin sends you by email.")


class RegistrationGuard:
    """Registering a key is a change of factors; every refusal of one (the package's too) is audited."""

    def check_can_register(self):
        reason = mfa.change_refusal(self.request)
        if reason:
            raise FactorChangeRefused(detail=NEEDS_LINK_DETAIL if reason == mfa.NEEDS_LINK else None)
        super().check_can_register()

    def handle_exception(self, exc):
        response = super().handle_exception(exc)
        if response.status_code in (401, 403) and self.request.user.is_authenticated:
            mfa.refuse_change(self.request, f"passkey registration refused: {getattr(exc, 'code', 'error')}")
        return response


@mfa_exempt
class BeginRegistrationView(RegistrationGuard, webauthn_views.BeginCredentialRegistrationView):
    pass


@mfa_exempt
class CompleteRegistrationView(RegistrationGuard, webauthn_views.CompleteCredentialRegistrationView):
    def post(self, *args, **kwargs):
        response = super().post(*args, **kwargs)
        if response.status_code == 200:
            device = mfa.device_for(self.request.user, mfa.WEBAUTHN, json.loads(response.content)["id"])
            mfa.enrolled(self.request, device)
            mfa.ensure_recovery_codes(self.request)
        return response


@mfa_exempt
class BeginAuthenticationView(webauthn_views.BeginCredentialAuthenticationView):
    def check_can_authenticate(self):
        if not self.request.user.is_authenticated:
            raise exceptions.PasswordlessLoginDisabled()
        if throttle.locked(self.request, self.request.user.get_username()):
            raise exceptions.OTPWebAuthnApiError(detail=_("Too many failed attempts: wait, then sign in again."))
        super().check_can_authenticate()


@mfa_exempt
class CompleteAuthenticationView(webauthn_views.CompleteCredentialAuthenticationView):
    def check_can_authenticate(self):
        if not self.request.user.is_authenticated:
            raise exceptions.PasswordlessLoginDisabled()
        super().check_can_authenticate()

    purpose = "sign_in"

    def complete_auth(self, device):
        self.purpose = "step_up" if self.request.user.is_verified() else "sign_in"
        mfa.mark_verified(self.request, device, purpose=self.purpose)

    def get_redirect_url(self):
        return safe_next(self.request, self.request.GET.get("next"))

    def get_success_url(self):
        if self.purpose == "sign_in":  # the second step of signing in: on to the console, or where it was going
            return self.get_redirect_url() or resolve_url(settings.LOGIN_REDIRECT_URL)
        # No address: the page that asked (a step-up form) carries on by itself.
        return self.get_redirect_url()

    def handle_exception(self, exc):
        if isinstance(exc, exceptions.OTPWebAuthnApiError) and self.request.user.is_authenticated:
            user_login_failed.send(
                sender=__name__,
                credentials={"username": self.request.user.get_username(), "step": "second_factor"},
                request=self.request,
            )
        return super().handle_exception(exc)
