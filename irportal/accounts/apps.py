from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "irportal.accounts"
    label = "accounts"
    verbose_name = "Accounts and roles"

    def ready(self):
        from django.apps import apps
        from django.db.models.signals import post_migrate

        from irportal.accounts import dashboard, navigation, signals  # noqa: F401
        from irportal.accounts.roles import sync_roles
        from irportal.audit.health import chain_health
        from irportal.audit.registry import register_action
        from irportal.ops.logs import secret_in_path

        for name, label in [
            ("auth.login", _("Signed in")),
            ("auth.login_failed", _("Failed sign-in")),
            ("auth.logout", _("Signed out")),
            ("auth.password_change", _("Changed password")),
            ("auth.reauthenticate", _("Gave password and second factor again")),
            ("accounts.user_create", _("Created user")),
            ("accounts.user_update", _("Changed user")),
            ("accounts.roles_change", _("Changed roles")),
            ("accounts.link_create", _("Made a link to choose a password")),
            ("accounts.link_use", _("Chose a password through a link")),
            ("auth.session_end", _("Ended a session")),
            ("auth.sessions_end_all", _("Ended sessions")),
            ("auth.session_timeout", _("Session timed out")),
            ("mfa.enrol", _("Added a second factor")),
            ("mfa.verify", _("Used a second factor")),
            ("mfa.recovery_code_use", _("Used a recovery code")),
            ("mfa.recovery_codes_new", _("Made new recovery codes")),
            ("mfa.remove", _("Removed a second factor")),
            ("mfa.reset", _("Reset a user's second factors")),
            ("security.step_up_required", _("Second factor asked for again (step-up)")),
        ]:
            register_action(name, label)
        # Invitation and password links carry their token in the path: never written to a log.
        secret_in_path("/account/link/")
        # Hang the sync on django.contrib.auth's post_migrate, which every migrate and flush sends.
        post_migrate.connect(sync_roles, sender=apps.get_app_config("auth"), dispatch_uid="sync_roles")
        navigation.register(navigation.NavItem(_("Users"), "accounts:user_list", "auth.change_user", order=80))
        # Compliance's panel: when the audit chain was last verified, and its last checkpoint.
        dashboard.register(
            dashboard.Panel(
                "chain",
                "staff/dashboard/_chain.html",
                lambda user, now: {"health": chain_health()},
                permission="audit.view_auditentry",
                order=5,
            )
        )
        navigation.register(navigation.NavItem(_("Audit log"), "audit:log", "audit.view_auditentry", order=70))
