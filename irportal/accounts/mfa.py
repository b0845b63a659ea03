"""Second factors: who must have one, which ones a user has, and checking a code.

Built on django-otp (TOTP devices, and static devices holding the recovery
codes) and django-otp-webauthn (passkeys and security keys). django-otp was
chosen over django-allauth's MFA because it adds factors to the sign-in this
site already has (Django's login view and templates, django-axes, the audit
signals) instead of replacing the whole account stack; django-otp-webauthn is
its maintained WebAuthn plugin. See "Two factors" in README.md.

A session is *verified* once a factor has been checked in it (django-otp's
``otp_login``); the moment and the kind of factor are kept in the session, so
that a step-up (``stepup.py``) can tell how fresh the last check is.
"""

import secrets
from datetime import datetime

from django.conf import settings
from django.contrib.auth.signals import user_login_failed
from django.db import transaction
from django.utils import timezone
from django_otp import devices_for_user, oath
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp_webauthn.models import WebAuthnCredential

from irportal.audit.services import audit_record

TOTP = "totp"
WEBAUTHN = "webauthn"
RECOVERY_CODE = "recovery_code"
FACTOR_LABELS = {TOTP: "authenticator app", WEBAUTHN: "passkey or security key", RECOVERY_CODE: "recovery code"}

RECOVERY_CODE_COUNT = 10
RECOVERY_DEVICE_NAME = "Recovery codes"

VERIFIED_AT = "mfa_verified_at"
VERIFIED_FACTOR = "mfa_factor"
# New recovery codes wait here until the factors page shows them, once.
NEW_RECOVERY_CODES = "mfa_new_recovery_codes"


def required_for(user) -> bool:
    """Users in a role of ``MFA_REQUIRED_ROLES`` (and superusers) cannot use the console without a factor."""
    if not user.is_authenticated:
        return False
    return user.is_superuser or user.groups.filter(name__in=settings.MFA_REQUIRED_ROLES).exists()


def primary_devices(user) -> list:
    """The factors a user signs in with (authenticator apps, passkeys); recovery codes are only a fallback."""
    return [device for device in devices_for_user(user, confirmed=True) if factor_of(device) != RECOVERY_CODE]


def has_factor(user) -> bool:
    return user.is_authenticated and bool(primary_devices(user))


def factor_of(device) -> str:
    if isinstance(device, TOTPDevice):
        return TOTP
    if isinstance(device, StaticDevice):
        return RECOVERY_CODE
    if isinstance(device, WebAuthnCredential):
        return WEBAUTHN
    raise ValueError(f"unknown second factor {device!r}")


def mark_verified(request, device, *, purpose: str) -> None:
    """The factor was checked: mark the session verified, remember when and how, write it to the log."""
    factor = factor_of(device)
    otp_login(request, device)
    request.session[VERIFIED_AT] = timezone.now().isoformat()
    request.session[VERIFIED_FACTOR] = factor
    data = {"factor": factor, "purpose": purpose, "device": device.name}
    if factor == RECOVERY_CODE:
        data["recovery_codes_left"] = device.token_set.count()
        audit_record(action="mfa.recovery_code_use", actor=request.user, obj=request.user, data=data)
    else:
        audit_record(action="mfa.verify", actor=request.user, obj=request.user, data=data)


def is_verified(user) -> bool:
    """The session's user has given a second factor (False right after the password, before django-otp's
    middleware has seen the session)."""
    return bool(getattr(user, "is_verified", None) and user.is_verified())


def verified_at(request) -> datetime | None:
    value = request.session.get(VERIFIED_AT)
    return datetime.fromisoformat(value) if value and is_verified(request.user) else None


class CodeRefused(Exception):
    """A code that was not accepted; the message says why, in words for the user."""


def check_code(request, code: str, *, purpose: str):
    """Check a six-digit code or a recovery code against the signed-in user's factors.

    Each device throttles itself after a failure (django-otp: 1, 2, 4, ...
    seconds); every failure is also a failed sign-in for django-axes (and the
    audit log), so the username and address pair is locked out after
    ``AXES_FAILURE_LIMIT`` failures at either step. Returns the device.
    """
    user = request.user
    code = "".join(code.split()).lower()
    devices = [device for device in devices_for_user(user, confirmed=True) if factor_of(device) != WEBAUTHN]
    throttled = False
    with transaction.atomic():
        for device in devices:
            # Recovery codes are longer than six digits; an authenticator code never is.
            if (factor_of(device) == RECOVERY_CODE) != (len(code) > 6):
                continue
            device = type(device).objects.select_for_update().get(pk=device.pk)
            allowed, _ = device.verify_is_allowed()
            if not allowed:
                throttled = True
                continue
            if device.verify_token(code):
                mark_verified(request, device, purpose=purpose)
                return device
    user_login_failed.send(
        sender=__name__,
        credentials={"username": user.get_username(), "step": "second_factor", "purpose": purpose},
        request=request,
    )
    if throttled:
        raise CodeRefused("Too many wrong codes in a row: wait a few seconds, then try again.")
    raise CodeRefused("That code is not right. Type the six digits your authenticator app shows now.")


def new_totp_key() -> str:
    """A fresh TOTP secret (hex, as django-otp stores it)."""
    return secrets.token_hex(20)


def enrol_totp(request, *, key: str, code: str, name: str) -> TOTPDevice:
    """Confirm a new authenticator app with the first code it shows; raises CodeRefused."""
    device = TOTPDevice(user=request.user, key=key, name=name[:64] or "Authenticator app", confirmed=True)
    totp = oath.TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    code = code.strip()
    if not (code.isdigit() and totp.verify(int(code), device.tolerance)):
        user_login_failed.send(
            sender=__name__,
            credentials={"username": request.user.get_username(), "step": "enrolment"},
            request=request,
        )
        raise CodeRefused("That code is not right. Type the six digits the app shows for IR Portal now.")
    with transaction.atomic():
        device.last_t = totp.t()
        device.save()
        enrolled(request, device)
    mark_verified(request, device, purpose="enrolment")
    return device


def enrolled(request, device) -> None:
    audit_record(
        action="mfa.enrol",
        actor=request.user,
        obj=request.user,
        data={"factor": factor_of(device), "device": device.name},
    )


def recovery_codes_left(user) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def new_recovery_codes(request) -> list[str]:
    """Replace the user's recovery codes with a fresh set, shown once; the old ones stop working."""
    user = request.user
    with transaction.atomic():
        device, _ = StaticDevice.objects.get_or_create(user=user, name=RECOVERY_DEVICE_NAME)
        device.confirmed = True
        device.save()
        device.token_set.all().delete()
        codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
        StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
        audit_record(action="mfa.recovery_codes_new", actor=user, obj=user, data={"count": len(codes)})
    return codes


def ensure_recovery_codes(request) -> None:
    """After a factor is added: recovery codes, if the user has none left, to be shown once."""
    if not recovery_codes_left(request.user):
        request.session[NEW_RECOVERY_CODES] = new_recovery_codes(request)


def remove_device(request, device) -> None:
    user = request.user
    with transaction.atomic():
        data = {"factor": factor_of(device), "device": device.name}
        device.delete()
        if not primary_devices(user):
            # Recovery codes belong to the factors they stand in for.
            StaticDevice.objects.filter(user=user).delete()
        audit_record(action="mfa.remove", actor=user, obj=user, data=data)


def device_for(user, factor: str, pk: int):
    model = {TOTP: TOTPDevice, WEBAUTHN: WebAuthnCredential}.get(factor)
    if model is None:
        return None
    return model.objects.filter(user=user, pk=pk, confirmed=True).first()


def remove_all_devices(user) -> list[dict]:
    """Every factor of ``user`` (for an IR Admin's reset); returns what was removed."""
    removed = []
    for device in devices_for_user(user, confirmed=None):
        removed.append({"factor": factor_of(device), "device": device.name})
        device.delete()
    return removed
