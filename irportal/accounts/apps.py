from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "irportal.accounts"
    label = "accounts"
    verbose_name = "Accounts and roles"

    def ready(self):
        from django.apps import apps
        from django.db.models.signals import post_migrate

        from irportal.accounts import navigation, signals  # noqa: F401
        from irportal.accounts.roles import sync_roles
        from irportal.audit.registry import register_action

        for name, label in [
            ("auth.login", "Signed in"),
            ("auth.login_failed", "Failed sign-in"),
            ("auth.logout", "Signed out"),
            ("auth.password_change", "Changed password"),
            ("accounts.user_create", "Created user"),
            ("accounts.user_update", "Changed user"),
            ("accounts.roles_change", "Changed roles"),
        ]:
            register_action(name, label)
        # This app has no models, so post_migrate is never sent for it: hang the
        # sync on django.contrib.auth's, which every migrate and flush sends.
        post_migrate.connect(sync_roles, sender=apps.get_app_config("auth"), dispatch_uid="sync_roles")
        navigation.register(navigation.NavItem("Users", "accounts:user_list", "auth.change_user", order=80))
        navigation.register(navigation.NavItem("Audit log", "audit:log", "audit.view_auditentry", order=70))
