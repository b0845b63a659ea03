"""Changing users and their roles: every change audited in the same transaction.

Granting authority needs a fresh second factor from an IR Admin who has
one (``step_up``, from ``irportal.accounts.stepup.evidence``), checked here
again and written into the audit entry: a new user with roles, a role
added, an account made active again, and a new email address (where the
links to choose a password go). A new user is invited: they choose their
own password through a link (``irportal.accounts.links``). Deactivating a
user ends their sessions (they would work again on reactivation).
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from irportal.accounts import links, mfa, sessions, stepup, usernames
from irportal.accounts.models import AccountLink
from irportal.accounts.roles import ROLES, roles_of
from irportal.audit.services import audit_record, diff_fields

User = get_user_model()

_PROFILE_FIELDS = ("username", "first_name", "last_name", "email", "is_active")


def _snapshot(user) -> dict:
    return {name: getattr(user, name) for name in _PROFILE_FIELDS}


def _set_roles(user, roles: list[str]) -> None:
    unknown = set(roles) - set(ROLES)
    if unknown:
        raise ValueError(f"unknown roles: {sorted(unknown)}")
    keep = [group for group in user.groups.all() if group.name not in ROLES]
    user.groups.set(keep + list(Group.objects.filter(name__in=roles)))


def grants_authority(user, *, roles: list[str], is_active: bool = True, email: str | None = None) -> bool:
    """Whether saving ``user`` (None: a new user) so gives someone a role, access again or a new address."""
    if user is None:
        return bool(roles)
    stored = User.objects.get(pk=user.pk)  # ``user`` may hold a form's values already
    new_email = email is not None and email != stored.email
    return bool(set(roles) - set(roles_of(stored))) or (is_active and not stored.is_active) or new_email


def user_create(
    *,
    actor,
    username: str,
    roles: list[str],
    password: str | None = None,
    invite: bool = False,
    step_up: dict | None = None,
    **profile,
) -> User:
    """A new user: invited by email to choose their own password (``invite``), or, for the demo data and
    operators' commands only, with a ``password``; else with none that works."""
    usernames.validate(username)
    evidence = stepup.require_or_deny(actor, step_up, action="grant roles", user=username) if roles else None
    with transaction.atomic():
        user = User(username=username, **profile)
        if password is None:
            user.set_unusable_password()
        else:
            user.set_password(password)
        user.save()
        _set_roles(user, roles)
        audit_record(
            action="accounts.user_create",
            actor=actor,
            obj=user,
            changes=diff_fields({}, _snapshot(user) | {"roles": sorted(roles)}),
            data={"step_up": evidence} if evidence else None,
        )
        if invite:
            links.link_send(actor=actor, user=user, purpose=AccountLink.Purpose.INVITATION)
    return user


def user_update(*, actor, user, roles: list[str], step_up: dict | None = None, **profile) -> User:
    evidence = None
    if grants_authority(
        user, roles=roles, is_active=profile.get("is_active", user.is_active), email=profile.get("email")
    ):
        evidence = stepup.require_or_deny(actor, step_up, action="grant roles", user=user.get_username())
    with transaction.atomic():
        return _user_update(actor=actor, user=user, roles=roles, evidence=evidence, profile=profile)


def _user_update(*, actor, user, roles: list[str], evidence: dict | None, profile: dict) -> User:
    user = User.objects.select_for_update().get(pk=user.pk)
    before, roles_before = _snapshot(user), roles_of(user)
    for name, value in profile.items():
        if name not in _PROFILE_FIELDS or name == "username":
            raise ValueError(f"{name} cannot be changed here")
        setattr(user, name, value)
    user.save()
    _set_roles(user, roles)
    changes = diff_fields(before, _snapshot(user))
    step_up_data = {"step_up": evidence} if evidence else None
    if changes:
        audit_record(action="accounts.user_update", actor=actor, obj=user, changes=changes, data=step_up_data)
    if sorted(roles) != roles_before:
        audit_record(
            action="accounts.roles_change",
            actor=actor,
            obj=user,
            changes=diff_fields({"roles": roles_before}, {"roles": sorted(roles)}),
            data=step_up_data,
        )
    if before["is_active"] and not user.is_active:
        sessions.end_all(actor=actor, user=user, reason="account deactivated")
    if before["email"] and before["email"] != user.email:
        _tell_old_address(user, before["email"], actor)
    return user


def _tell_old_address(user, old_email: str, actor) -> None:
    """A changed address is where the next link to choose a password goes: the old one is told."""
    message = render_to_string("email/accounts/email_changed.txt", {"user": user, "actor": actor})
    transaction.on_commit(lambda: send_mail(_("Your IR Portal email address was changed"), message, None, [old_email]))


@transaction.atomic
def user_factors_reset(*, actor, user) -> list[dict]:
    """An IR Admin removes every second factor of ``user`` (a lost phone, a stolen key).

    The user's sessions end and they are told by email, with a link to
    choose a new password and add a factor again: the password alone does
    not let them enrol one, so whoever knows it cannot take the account.
    """
    removed = mfa.remove_all_devices(user)
    audit_record(action="mfa.reset", actor=actor, obj=user, data={"removed": removed})
    sessions.end_all(actor=actor, user=user, reason="second factors reset")
    if user.email:
        links.link_send(actor=actor, user=user, purpose=AccountLink.Purpose.FACTORS_RESET)
    return removed


def user_password_reset(*, actor, user) -> None:
    """An IR Admin sends ``user`` a link to choose a new password (their second factor is still asked for)."""
    links.link_send(actor=actor, user=user, purpose=AccountLink.Purpose.PASSWORD_RESET)
