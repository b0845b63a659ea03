"""One-time links where users choose their own password: invitations, password resets, factor resets.

An IR Admin never types a user's password. Inviting a user, resetting a
password and resetting a user's second factors each send the user, by
email, a link that works once, for ``ACCOUNT_LINK_HOURS``; only the
SHA-256 of its token is stored, and a new link ends the user's older ones.
An operator can print one with ``python manage.py account_link`` (the
first IR Admin of a new installation, a user without an email address).

Opening the link keeps the token in the session and moves to an address
without it, so the token is not in the page's address nor sent as a
referrer. There the user chooses a password (every validator applies,
the company's words included). Then:

- a user who has a second factor signs in as usual, with the new password
  and the factor: the link never stands in for the factor;
- a user without one (a new user, or after an IR Admin removed their
  factors) is signed in by the link and may add a first factor in this
  session, within ``ACCOUNT_LINK_SETUP_MINUTES``. This is the only way a
  user whose role needs a factor gets a first one: the password alone
  never enrols a factor.

Every link made, sent and used is in the audit log; choosing a password
through a link ends the user's other sessions, as a password change does.
"""

import hashlib
import secrets
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from irportal.accounts import sessions
from irportal.accounts.models import AccountLink
from irportal.audit.services import audit_record

User = get_user_model()

# The token of the link opened in this browser, until the password is chosen.
LINK_TOKEN = "account_link_token"  # noqa: S105 - a session key's name
# When a link signed a user without a factor in: they may add a first factor in this session until
# ACCOUNT_LINK_SETUP_MINUTES later.
SETUP_GRANTED_AT = "account_setup_granted_at"

SUBJECTS = {
    AccountLink.Purpose.INVITATION: gettext_lazy("Your IR Portal account"),
    AccountLink.Purpose.PASSWORD_RESET: gettext_lazy("Choose a new IR Portal password"),
    AccountLink.Purpose.FACTORS_RESET: gettext_lazy("Your IR Portal sign-in factors were reset"),
}


class LinkError(Exception):
    """A link that cannot be made; the message says why, for an IR Admin."""


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def address_of(token: str) -> str:
    return settings.STAFF_SITE_URL + reverse("accounts:link_open", args=[token])


def link_create(*, actor, user, purpose: str) -> tuple[AccountLink, str]:
    """A new link for ``user`` (ending any older one), audited; answers the link and its token.

    Runs inside the caller's transaction.
    """
    now = timezone.now()
    AccountLink.objects.filter(user=user, used_at__isnull=True, expires_at__gt=now).update(expires_at=now)
    token = secrets.token_urlsafe(32)
    link = AccountLink.objects.create(
        user=user,
        purpose=purpose,
        token_hash=_hash(token),
        created_by=actor if actor is not None and actor.is_authenticated else None,
        expires_at=now + timedelta(hours=settings.ACCOUNT_LINK_HOURS),
    )
    audit_record(
        action="accounts.link_create",
        actor=actor,
        obj=user,
        data={"purpose": purpose, "link": link.pk, "expires_at": link.expires_at.isoformat()},
    )
    return link, token


def link_send(*, actor, user, purpose: str, extra: dict | None = None) -> AccountLink:
    """Make a link for ``user`` and mail it to their address once the transaction commits."""
    if not user.email:
        raise LinkError(_("%(user)s has no email address: add one first.") % {"user": user.get_username()})
    with transaction.atomic():
        link, token = link_create(actor=actor, user=user, purpose=purpose)
        context = {"user": user, "actor": actor, "url": address_of(token), "expires_at": link.expires_at} | (
            extra or {}
        )
        message = render_to_string(f"email/accounts/link_{purpose}.txt", context)
        transaction.on_commit(lambda: send_mail(SUBJECTS[purpose], message, None, [user.email]))
    return link


def link_for_token(token: str | None) -> AccountLink | None:
    """The link this token opens, if it still works: not used, not expired, its user active."""
    if not token:
        return None
    return (
        AccountLink.objects.select_related("user")
        .filter(token_hash=_hash(token), used_at__isnull=True, expires_at__gt=timezone.now(), user__is_active=True)
        .first()
    )


def link_use(*, link: AccountLink, password: str) -> bool:
    """Set the password the user chose through ``link``, which stops working; False if it was used meanwhile.

    The user's sessions end, as after a password change.
    """
    with transaction.atomic():
        claimed = AccountLink.objects.filter(pk=link.pk, used_at__isnull=True).update(used_at=timezone.now())
        if not claimed:
            return False
        user = User.objects.select_for_update().get(pk=link.user_id)
        user.set_password(password)
        user.save(update_fields=["password"])
        audit_record(action="accounts.link_use", actor=user, obj=user, data={"purpose": link.purpose, "link": link.pk})
        sessions.end_all(actor=user, user=user, reason="password set through a link")
    return True


def grant_setup(request) -> None:
    request.session[SETUP_GRANTED_AT] = timezone.now().isoformat()


def setup_granted(request) -> bool:
    """This session was opened by a link, recently enough to add a first factor."""
    value = request.session.get(SETUP_GRANTED_AT)
    if not value:
        return False
    age = timezone.now() - datetime.fromisoformat(value)
    return age <= timedelta(minutes=settings.ACCOUNT_LINK_SETUP_MINUTES)
