"""Accounts' own records: who is signed in where, one-time links, and recovery codes (hashed).

``UserSession``: the session itself lives in Django's database session
table; this row names its user, the address and browser it was opened from,
and when it was last used (written at most once a minute). Ending a session
deletes both.
"""

import hashlib

from django.conf import settings
from django.contrib.auth.hashers import check_password
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_otp.models import Device, ThrottlingMixin, TimestampMixin


class UserSession(models.Model):
    session_key = models.CharField(max_length=40, unique=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="staff_sessions")
    ip = models.CharField(max_length=45, blank=True)
    user_agent = models.CharField(max_length=512, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_seen = models.DateTimeField()

    class Meta:
        ordering = ["-last_seen"]
        indexes = [models.Index(fields=["user", "-last_seen"], name="accounts_session_user_seen")]

    def __str__(self):
        return f"session of {self.user_id} from {self.ip or 'unknown address'}"


class AccountLink(models.Model):
    """A one-time address, sent by email, where a user chooses their own password (``irportal.accounts.links``).

    An IR Admin sends one to invite a new user, to let a user who forgot
    their password choose a new one, and with every reset of a user's second
    factors. Only the SHA-256 of the token is kept. A user has at most one
    link that works: a new one ends the others.
    """

    class Purpose(models.TextChoices):
        INVITATION = "invitation", _("Invitation")
        PASSWORD_RESET = "password_reset", _("Password reset")
        FACTORS_RESET = "factors_reset", _("Second factors reset")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="account_links")
    purpose = models.CharField(max_length=20, choices=Purpose.choices)
    token_hash = models.CharField(max_length=64, unique=True)
    # Null when an operator made it on the command line (manage.py account_link).
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        default_permissions = ()

    def __str__(self):
        return f"{self.get_purpose_display()} link for {self.user_id}"


class RecoveryCodeDevice(TimestampMixin, ThrottlingMixin, Device):
    """A user's recovery codes, as one django-otp device: only each code's hash is kept (``RecoveryCode``).

    New codes have 120 random bits (24 characters of a 32-letter alphabet),
    so a plain SHA-256 suffices (ASVS 5.0 6.5.2) and a code is found by its
    hash. Codes made before hashing (8 characters) were hashed in place by a
    migration with salted PBKDF2 and are checked one by one until the user
    makes new ones.
    """

    def get_throttle_factor(self):
        return getattr(settings, "OTP_STATIC_THROTTLE_FACTOR", 1)

    def verify_token(self, token):
        allowed, _ = self.verify_is_allowed()
        if not allowed:
            return False
        match = self.codes.filter(digest=RecoveryCode.digest_of(token)).first() or next(
            (code for code in self.codes.filter(digest__startswith="pbkdf2_") if code.matches(token)), None
        )
        if match is None:
            self.throttle_increment()
            return False
        match.delete()
        self.throttle_reset(commit=False)
        self.set_last_used_timestamp(commit=False)
        self.save()
        return True


class RecoveryCode(models.Model):
    device = models.ForeignKey(RecoveryCodeDevice, on_delete=models.CASCADE, related_name="codes")
    # "sha256$<hex>" for codes made here; Django's "pbkdf2_sha256$..." for codes made before hashing.
    digest = models.CharField(max_length=128, unique=True)

    class Meta:
        default_permissions = ()

    def __str__(self):
        return f"recovery code of device {self.device_id}"

    @staticmethod
    def digest_of(code: str) -> str:
        return "sha256$" + hashlib.sha256(code.encode()).hexdigest()

    def matches(self, code: str) -> bool:
        return check_password(code, self.digest)
