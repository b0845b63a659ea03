"""The four staff roles (Django groups) and what each may do.

A data migration creates the groups; after every ``migrate`` the
``post_migrate`` handler grants each role the permissions listed here, so an
app that adds permissions only has to name them in ``ROLE_PERMISSIONS``.
Permissions are only ever added to a role by this sync, never removed: taking
one away needs a data migration that says so.
"""

IR_AUTHOR = "IR Author"
IR_APPROVER = "IR Approver"
COMPLIANCE_REVIEWER = "Compliance Reviewer"
IR_ADMIN = "IR Admin"
ROLES = (IR_AUTHOR, IR_APPROVER, COMPLIANCE_REVIEWER, IR_ADMIN)

ROLE_PERMISSIONS: dict[str, list[str]] = {
    IR_AUTHOR: [
        "releases.view_release",
        "releases.add_release",
        "releases.change_release",
        "releases.submit_release",
        "releases.view_mediacontact",
        "releases.add_mediacontact",
        "releases.change_mediacontact",
        "releases.view_boilerplate",
        "events.view_event",
        "events.add_event",
        "events.change_event",
        "events.submit_event",
    ],
    IR_APPROVER: [
        "releases.view_release",
        "releases.review_release",
        "releases.publish_release",
        "releases.withdraw_release",
        "releases.view_mediacontact",
        "releases.view_boilerplate",
        "events.view_event",
        "events.review_event",
        "events.publish_event",
        "events.withdraw_event",
        "events.cancel_event",
    ],
    COMPLIANCE_REVIEWER: [
        "audit.view_auditentry",
        "audit.export_auditentry",
        "releases.view_release",
        "events.view_event",
        "alerts.view_subscriber",
    ],
    IR_ADMIN: [
        "releases.view_release",
        "releases.view_mediacontact",
        "releases.add_mediacontact",
        "releases.change_mediacontact",
        "releases.view_boilerplate",
        "releases.add_boilerplate",
        "releases.change_boilerplate",
        "workflow.view_approvalstep",
        "workflow.add_approvalstep",
        "workflow.change_approvalstep",
        "auth.view_user",
        "auth.add_user",
        "auth.change_user",
        "audit.view_auditentry",
        "audit.export_auditentry",
        "investors.view_companyprofile",
        "investors.change_companyprofile",
        "events.view_event",
        "alerts.view_subscriber",
    ],
}


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
    """``post_migrate`` handler: every role has at least the permissions of ``ROLE_PERMISSIONS``."""
    if apps is None:
        from django.apps import apps
    grant_permissions(apps, ROLE_PERMISSIONS)


def roles_of(user) -> list[str]:
    return sorted(group.name for group in user.groups.all() if group.name in ROLES)
