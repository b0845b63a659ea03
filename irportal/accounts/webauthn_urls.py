"""The WebAuthn ceremonies under /staff/account/webauthn/, in the namespace the package's template tags use."""

from django.urls import path
from django.views.i18n import JavaScriptCatalog

from irportal.accounts import webauthn
from irportal.accounts.middleware import mfa_exempt

app_name = "otp_webauthn"

urlpatterns = [
    path("registration/begin/", webauthn.BeginRegistrationView.as_view(), name="credential-registration-begin"),
    path(
        "registration/complete/", webauthn.CompleteRegistrationView.as_view(), name="credential-registration-complete"
    ),
    path("authentication/begin/", webauthn.BeginAuthenticationView.as_view(), name="credential-authentication-begin"),
    path(
        "authentication/complete/",
        webauthn.CompleteAuthenticationView.as_view(),
        name="credential-authentication-complete",
    ),
    path(
        "jsi18n/",
        mfa_exempt(JavaScriptCatalog.as_view(packages=["django_otp_webauthn"])),
        name="js-i18n-catalog",
    ),
]
