"""Passkeys and security keys (django-otp-webauthn), as a second factor only.

The package's views do the WebAuthn ceremonies; these subclasses add what
this site needs around them: every registration and use is written to the
audit log and marks the session's step-up time, a failed use counts as a
failed sign-in (django-axes), and after a use the browser goes only to a
``next`` address on this site. The ceremonies' JavaScript is the package's
own static files, served from this site (no inline script: its
configuration is a JSON data block).
"""

import json

from django.contrib.auth.signals import user_login_failed
from django_otp_webauthn import exceptions
from django_otp_webauthn import views as webauthn_views

from irportal.accounts import mfa, throttle
from irportal.accounts.middleware import mfa_exempt
from irportal.accounts.views import safe_next


@mfa_exempt
class BeginRegistrationView(webauthn_views.BeginCredentialRegistrationView):
    pass


@mfa_exempt
class CompleteRegistrationView(webauthn_views.CompleteCredentialRegistrationView):
    def post(self, *args, **kwargs):
        response = super().post(*args, **kwargs)
        if response.status_code == 200:
            device = mfa.device_for(self.request.user, mfa.WEBAUTHN, json.loads(response.content)["id"])
            mfa.enrolled(self.request, device)
            mfa.mark_verified(self.request, device, purpose="enrolment")
            mfa.ensure_recovery_codes(self.request)
        return response


@mfa_exempt
class BeginAuthenticationView(webauthn_views.BeginCredentialAuthenticationView):
    def check_can_authenticate(self):
        if not self.request.user.is_authenticated:
            raise exceptions.PasswordlessLoginDisabled()
        if throttle.locked(self.request, self.request.user.get_username()):
            raise exceptions.OTPWebAuthnApiError(detail="Too many failed attempts: wait, then sign in again.")
        super().check_can_authenticate()


@mfa_exempt
class CompleteAuthenticationView(webauthn_views.CompleteCredentialAuthenticationView):
    def check_can_authenticate(self):
        if not self.request.user.is_authenticated:
            raise exceptions.PasswordlessLoginDisabled()
        super().check_can_authenticate()

    def complete_auth(self, device):
        purpose = "step_up" if self.request.user.is_verified() else "sign_in"
        mfa.mark_verified(self.request, device, purpose=purpose)

    def get_redirect_url(self):
        return safe_next(self.request, self.request.GET.get("next"))

    def get_success_url(self):
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
