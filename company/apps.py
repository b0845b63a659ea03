from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CompanyConfig(AppConfig):
    """The listed company the site discloses for: its profile, the validators and the image processing others use."""

    name = "company"
    verbose_name = _("Company profile")

    def ready(self):
        from celery.signals import task_postrun, task_prerun

        from company import demo, setup, zone
        from irportal.accounts import dashboard, navigation, roles
        from irportal.audit.registry import register_action

        register_action("company.profile_update", _("Changed company profile"))
        register_action("company.demo_remove", _("Removed the demo content"))
        register_action("company.demo_remove_refused", _("Removal of the demo content refused"))
        register_action("security.upload_refused", _("Upload refused (file checks or malware scan)"))
        # The name profile changes were recorded under before the profile had an app of its own.
        register_action("investors.profile_update", _("Changed company profile (older entries)"))
        roles.grant(roles.IR_ADMIN, "company.view_companyprofile", "company.change_companyprofile")
        # Tasks (alert and staff mails, the sweep, imports) run in company time, as requests do.
        task_prerun.connect(zone.task_started, weak=False, dispatch_uid="company.zone.task_started")
        task_postrun.connect(zone.task_finished, weak=False, dispatch_uid="company.zone.task_finished")
        navigation.register(
            navigation.NavItem(_("Company profile"), "company:profile_edit", "company.change_companyprofile", order=90)
        )
        navigation.register(
            navigation.NavItem(_("Make this portal yours"), "company:setup", "company.change_companyprofile", order=91)
        )
        # First on the IR Admin's dashboard until every set-up step is done.
        dashboard.register(
            dashboard.Panel(
                "setup",
                "staff/dashboard/_setup.html",
                setup.dashboard_context,
                permission="company.change_companyprofile",
                order=0,
            )
        )
        demo.register(demo.DemoContent("users", _("demo sign-ins"), demo.demo_users_count, demo.demo_users_remove, 90))
