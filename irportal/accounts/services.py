"""Changing users and their roles: every change audited in the same transaction."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string

from irportal.accounts import mfa, sessions
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


@transaction.atomic
def user_create(*, actor, username: str, password: str, roles: list[str], **profile) -> User:
    user = User(username=username, **profile)
    user.set_password(password)
    user.save()
    _set_roles(user, roles)
    audit_record(
        action="accounts.user_create",
        actor=actor,
        obj=user,
        changes=diff_fields({}, _snapshot(user) | {"roles": sorted(roles)}),
    )
    return user


@transaction.atomic
def user_update(*, actor, user, roles: list[str], **profile) -> User:
    user = User.objects.select_for_update().get(pk=user.pk)
    before, roles_before = _snapshot(user), roles_of(user)
    for name, value in profile.items():
        if name not in _PROFILE_FIELDS or name == "username":
            raise ValueError(f"{name} cannot be changed here")
        setattr(user, name, value)
    user.save()
    _set_roles(user, roles)
    changes = diff_fields(before, _snapshot(user))
    if changes:
        audit_record(action="accounts.user_update", actor=actor, obj=user, changes=changes)
    if sorted(roles) != roles_before:
        audit_record(
            action="accounts.roles_change",
            actor=actor,
            obj=user,
            changes=diff_fields({"roles": roles_before}, {"roles": sorted(roles)}),
        )
    return user


@transaction.atomic
def user_factors_reset(*, actor, user) -> list[dict]:
    """An IR Admin removes every second factor of ``user`` (a lost phone, a stolen key).

    The user's sessions end, the user must enrol again at the next sign-in
    (if the role requires a factor), and is told by email, so that a reset
    they did not ask for does not go unnoticed.
    """
    removed = mfa.remove_all_devices(user)
    audit_record(action="mfa.reset", actor=actor, obj=user, data={"removed": removed})
    sessions.end_all(actor=actor, user=user, reason="second factors reset")
    if user.email:
        message = render_to_string("email/accounts/factors_reset.txt", {"user": user, "actor": actor})
        transaction.on_commit(
            lambda: send_mail("Your IR Portal sign-in factors were reset", message, None, [user.email])
        )
    return removed
