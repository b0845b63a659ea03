"""The four staff roles (Django groups) and what each may do.

A data migration creates the groups; after every ``migrate`` the
``post_migrate`` handler grants each role the permissions listed here, so an
app that adds permissions only has to ``grant`` them in its ``ready()``.
Permissions are only ever added to a role by this sync, never removed: taking
one away needs a data migration that says so.

A role's name is the group's name, stored and read by operators' scripts: it
stays as it is in every language; ``role_label`` is what people read.
"""

from django.utils.translation import gettext_lazy as _

IR_AUTHOR = "IR Author"
IR_APPROVER = "IR Approver"
COMPLIANCE_REVIEWER = "Compliance Reviewer"
IR_ADMIN = "IR Admin"
ROLES = (IR_AUTHOR, IR_APPROVER, COMPLIANCE_REVIEWER, IR_ADMIN)
_ROLE_LABELS = {
    IR_AUTHOR: _("IR Author"),
    IR_APPROVER: _("IR Approver"),
    COMPLIANCE_REVIEWER: _("Compliance Reviewer"),
    IR_ADMIN: _("IR Admin"),
}

# What each role may do, as ``app_label.codename``. The apps grant their own
# permissions from ``AppConfig.ready()`` (``grant``); these are the ones of
# Django's and this layer's models.
_ROLE_PERMISSIONS: dict[str, list[str]] = {
    IR_AUTHOR: [],
    IR_APPROVER: [],
    COMPLIANCE_REVIEWER: ["audit.view_auditentry", "audit.export_auditentry"],
    IR_ADMIN: [
        "auth.view_user",
        "auth.add_user",
        "auth.change_user",
        "audit.view_auditentry",
        "audit.export_auditentry",
    ],
}


def grant(role: str, *permissions: str) -> None:
    """Give ``role`` these permissions at the next sync (every ``migrate``); called from ``AppConfig.ready()``."""
    granted = _ROLE_PERMISSIONS[role]
    granted.extend(permission for permission in permissions if permission not in granted)


def role_permissions() -> dict[str, list[str]]:
    return {role: list(permissions) for role, permissions in _ROLE_PERMISSIONS.items()}


def grant_permissions(apps, grants: dict[str, list[str]]) -> None:
    """Create each role (group) and give it the permissions named ``app_label.codename``.

    Works with a migration's historical ``apps``: permissions are normally
    created after migrations finish, so they are created here first. A
    permission whose model does not exist yet is skipped; the sync after
    ``migrate`` grants it.
    """
    from django.contrib.auth.management import create_permissions

    for app_config in apps.get_app_configs():
        # Historical app configs have no models module, which create_permissions requires.
        original = getattr(app_config, "models_module", None)
        app_config.models_module = original or True
        try:
            create_permissions(app_config, apps=apps, verbosity=0)
        finally:
            app_config.models_module = original
    group_model = apps.get_model("auth", "Group")
    permission_model = apps.get_model("auth", "Permission")
    for role, names in grants.items():
        group, _ = group_model.objects.get_or_create(name=role)
        for name in names:
            app_label, codename = name.split(".", 1)
            permission = permission_model.objects.filter(content_type__app_label=app_label, codename=codename).first()
            if permission is not None:
                group.permissions.add(permission)


def sync_roles(sender, apps=None, **kwargs) -> None:
    """``post_migrate`` handler: every role has at least the permissions granted to it."""
    if apps is None:
        from django.apps import apps
    grant_permissions(apps, role_permissions())


def roles_of(user) -> list[str]:
    return sorted(group.name for group in user.groups.all() if group.name in ROLES)


def role_label(name: str) -> str:
    """The role (group) ``name`` as people read it, in the active language; any other group's name as it is."""
    return _ROLE_LABELS.get(name, name)
