"""Second factors: who must have one, which ones a user has, and checking a code.

Built on django-otp (TOTP devices, and this app's ``RecoveryCodeDevice``
holding the hashed recovery codes) and django-otp-webauthn (passkeys and security keys). django-otp was
chosen over django-allauth's MFA because it adds factors to the sign-in this
site already has (Django's login view and templates, django-axes, the audit
signals) instead of replacing the whole account stack; django-otp-webauthn is
its maintained WebAuthn plugin. See "Two factors" in README.md.

A session is *verified* once a factor has been checked in it (django-otp's
``otp_login``); the moment and the kind of factor are kept in the session, so
that a step-up (``stepup.py``) can tell how fresh the last check is. Each
check gives the session a new key.

Changing factors (adding an app or a passkey, removing one, new recovery
codes) takes more than a verified session, which a stolen cookie or an
unlocked desk also has: the password and an existing factor again, within
``MFA_REAUTH_SECONDS`` (``reauthenticate``), for that one change. A user
without any factor adds a first one only in a session a one-time link
opened (``irportal.accounts.links``), or, when their role needs none, after
the password again. Adding a factor is never evidence for a step-up, every
change is mailed to the user, and it ends the user's other sessions.
"""

import secrets
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth.signals import user_login_failed
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_otp import devices_for_user, oath
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp_webauthn.models import WebAuthnCredential

from irportal.accounts import links, sessions
from irportal.accounts.models import RecoveryCode, RecoveryCodeDevice
from irportal.audit.context import current_context
from irportal.audit.services import audit_record

TOTP = "totp"
WEBAUTHN = "webauthn"
RECOVERY_CODE = "recovery_code"
FACTOR_LABELS = {
    TOTP: gettext_lazy("authenticator app"),
    WEBAUTHN: gettext_lazy("passkey or security key"),
    RECOVERY_CODE: gettext_lazy("recovery code"),
}

RECOVERY_CODE_COUNT = 10
RECOVERY_DEVICE_NAME = "Recovery codes"
# 24 characters of 32 (no 0, 1, o, l): 120 random bits, shown in groups of four.
RECOVERY_ALPHABET = "abcdefghijkmnpqrstuvwxyz23456789"
RECOVERY_CODE_LENGTH = 24

VERIFIED_AT = "mfa_verified_at"
VERIFIED_FACTOR = "mfa_factor"
# New recovery codes wait here until the factors page shows them, once.
NEW_RECOVERY_CODES = "mfa_new_recovery_codes"
# When the password and a factor were last given again (re-authentication), and when the page asking for them
# was opened (a passkey used after that counts).
REAUTH_AT = "mfa_reauth_at"
REAUTH_ASKED_AT = "mfa_reauth_asked_at"
# Why a session may not change factors now.
NEEDS_REAUTH = "reauthentication"
NEEDS_LINK = "setup_link"


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
    if isinstance(device, RecoveryCodeDevice):
        return RECOVERY_CODE
    if isinstance(device, WebAuthnCredential):
        return WEBAUTHN
    raise ValueError(f"unknown second factor {device!r}")


def rotate_session_key(request) -> None:
    """A new session key for the same session (after a factor check or a re-authentication): a key seen
    before it, by whatever means, no longer opens the session."""
    old = request.session.session_key
    request.session.cycle_key()
    sessions.rekeyed(old, request.session.session_key)


def mark_verified(request, device, *, purpose: str) -> None:
    """The factor was checked: mark the session verified, remember when and how, write it to the log."""
    factor = factor_of(device)
    otp_login(request, device)
    rotate_session_key(request)
    request.session[VERIFIED_AT] = timezone.now().isoformat()
    request.session[VERIFIED_FACTOR] = factor
    data = {"factor": factor, "purpose": purpose, "device": device.name}
    if factor == RECOVERY_CODE:
        data["recovery_codes_left"] = device.codes.count()
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
    code = "".join(code.split()).lower().replace("-", "")
    devices = [device for device in devices_for_user(user, confirmed=True) if factor_of(device) != WEBAUTHN]
    throttled = False
    with transaction.atomic():
        for device in devices:
            # Recovery codes are longer than six digits; an authenticator code never is.
            if (factor_of(device) == RECOVERY_CODE) != (len(code) > 6):
                continue
            device = type(device).objects.select_for_update().get(pk=device.pk)
            allowed, _details = device.verify_is_allowed()
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
        raise CodeRefused(_("Too many wrong codes in a row: wait a few seconds, then try again."))
    raise CodeRefused(_("That code is not right. Type the six digits your authenticator app shows now."))


def new_totp_key() -> str:
    """A fresh TOTP secret (hex, as django-otp stores it)."""
    return secrets.token_hex(20)


def enrol_totp(request, *, key: str, code: str, name: str) -> TOTPDevice:
    """Confirm a new authenticator app with the first code it shows; raises CodeRefused.

    The caller has checked ``change_refusal``. The code proves the app was
    set up, not who is at the keyboard: it is no step-up evidence.
    """
    device = TOTPDevice(user=request.user, key=key, name=name[:64] or "Authenticator app", confirmed=True)
    totp = oath.TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    code = code.strip()
    if not (code.isdigit() and totp.verify(int(code), device.tolerance)):
        user_login_failed.send(
            sender=__name__,
            credentials={"username": request.user.get_username(), "step": "enrolment"},
            request=request,
        )
        raise CodeRefused(_("That code is not right. Type the six digits the app shows for IR Portal now."))
    with transaction.atomic():
        device.last_t = totp.t()
        device.save()
        enrolled(request, device)
    return device


def enrolled(request, device) -> None:
    """A new factor is confirmed: audited, mailed, the other sessions ended, and the re-authentication used up.

    A first factor added through a one-time link also completes this
    session's sign-in (it is verified, with a new key), but is no step-up
    evidence: the time of the last factor check is not set.
    """
    audit_record(
        action="mfa.enrol",
        actor=request.user,
        obj=request.user,
        data={"factor": factor_of(device), "device": device.name},
    )
    factor_changed(request, _("A second factor was added: %(device)s") % {"device": device.name})
    if not is_verified(request.user):
        otp_login(request, device)
        rotate_session_key(request)
    request.session.pop(links.SETUP_GRANTED_AT, None)


def factor_changed(request, what: str) -> int:
    """After every change of the user's factors: end their other sessions, mail them, use up the
    re-authentication. Answers how many sessions ended."""
    user = request.user
    request.session.pop(REAUTH_AT, None)
    ended = sessions.end_all(actor=user, user=user, keep=request.session.session_key, reason="second factors changed")
    if user.email:
        context = current_context()
        message = render_to_string(
            "email/accounts/factor_changed.txt",
            {
                "user": user,
                "what": what,
                "at": timezone.now(),
                "ip": context.ip,
                "device": sessions.device_label(context.user_agent),
                "ended": ended,
            },
        )
        subject = _("A second factor of your IR Portal account changed")
        transaction.on_commit(lambda: send_mail(subject, message, None, [user.email]))
    return ended


def recovery_codes_left(user) -> int:
    return RecoveryCode.objects.filter(device__user=user, device__confirmed=True).count()


def has_old_recovery_codes(user) -> bool:
    """Codes made before they were hashed with 120 bits: the user is asked to make new ones."""
    return RecoveryCode.objects.filter(device__user=user, digest__startswith="pbkdf2_").exists()


def _new_code() -> str:
    raw = "".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(RECOVERY_CODE_LENGTH))
    return "-".join(raw[start : start + 4] for start in range(0, RECOVERY_CODE_LENGTH, 4))


def new_recovery_codes(request, *, announce: bool = True) -> list[str]:
    """Replace the user's recovery codes with a fresh set, shown once and stored hashed; the old ones stop
    working. ``announce``: a change of its own (mailed, other sessions ended), not part of adding a factor."""
    user = request.user
    codes = [_new_code() for _ in range(RECOVERY_CODE_COUNT)]
    with transaction.atomic():
        device, _created = RecoveryCodeDevice.objects.get_or_create(user=user, name=RECOVERY_DEVICE_NAME)
        device.confirmed = True
        device.save()
        device.codes.all().delete()
        RecoveryCode.objects.bulk_create(
            RecoveryCode(device=device, digest=RecoveryCode.digest_of(code.replace("-", ""))) for code in codes
        )
        audit_record(action="mfa.recovery_codes_new", actor=user, obj=user, data={"count": len(codes)})
        if announce:
            factor_changed(request, _("New recovery codes were made; the old ones no longer work."))
    return codes


def ensure_recovery_codes(request) -> None:
    """After a factor is added: recovery codes, if the user has none left, to be shown once."""
    if not recovery_codes_left(request.user):
        request.session[NEW_RECOVERY_CODES] = new_recovery_codes(request, announce=False)


def remove_device(request, device) -> None:
    user = request.user
    with transaction.atomic():
        data = {"factor": factor_of(device), "device": device.name}
        device.delete()
        if not primary_devices(user):
            # Recovery codes belong to the factors they stand in for.
            RecoveryCodeDevice.objects.filter(user=user).delete()
        audit_record(action="mfa.remove", actor=user, obj=user, data=data)
        factor_changed(request, _("A second factor was removed: %(device)s") % {"device": device.name})


def reauthenticated(request) -> bool:
    """The password and (for a user who has one) a factor were given again within ``MFA_REAUTH_SECONDS``."""
    value = request.session.get(REAUTH_AT)
    if not value:
        return False
    return timezone.now() - datetime.fromisoformat(value) <= timedelta(seconds=settings.MFA_REAUTH_SECONDS)


def change_refusal(request) -> str:
    """Why this session may not change the user's factors now ("" when it may).

    A user with a factor: re-authentication first (``NEEDS_REAUTH``). A
    user without one whose role needs one: only in a session a one-time
    link opened (``NEEDS_LINK``): the password alone never enrols a factor.
    Anyone else: the password again.
    """
    user = request.user
    if not user.is_authenticated:
        return NEEDS_REAUTH
    if has_factor(user) or not required_for(user):
        return "" if reauthenticated(request) else NEEDS_REAUTH
    return "" if links.setup_granted(request) else NEEDS_LINK


def refuse_change(request, reason: str) -> None:
    """Write a refused factor change to the log (a stolen session trying to add its own factor)."""
    audit_record(
        action="security.permission_denied",
        actor=request.user,
        data={"path": request.path[:500], "method": request.method, "permission": None, "reason": reason},
    )


def reauthenticate(request, *, password: str, code: str) -> None:
    """Check the password and a factor given again; raises CodeRefused. A passkey counts when it was used
    in this session after the page asking for it was opened. A failure also ends the freshness of the
    session's last factor check, so that a step-up is asked for next."""
    user = request.user
    if not user.check_password(password):
        request.session.pop(VERIFIED_AT, None)
        user_login_failed.send(
            sender=__name__, credentials={"username": user.get_username(), "step": "reauthentication"}, request=request
        )
        raise CodeRefused(_("That password is not right."))
    if has_factor(user):
        if code.strip():
            try:
                check_code(request, code, purpose="reauthentication")
            except CodeRefused:
                request.session.pop(VERIFIED_AT, None)
                raise
        elif not _passkey_used_since_asked(request):
            raise CodeRefused(_("Give the code from your authenticator app, a recovery code, or use your passkey."))
    request.session[REAUTH_AT] = timezone.now().isoformat()
    rotate_session_key(request)
    audit_record(
        action="auth.reauthenticate", actor=user, obj=user, data={"factor": request.session.get(VERIFIED_FACTOR)}
    )


def _passkey_used_since_asked(request) -> bool:
    asked, at = request.session.get(REAUTH_ASKED_AT), request.session.get(VERIFIED_AT)
    return bool(
        asked
        and at
        and request.session.get(VERIFIED_FACTOR) == WEBAUTHN
        and datetime.fromisoformat(at) >= datetime.fromisoformat(asked)
    )


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
