from django.apps import AppConfig


class CompanyConfig(AppConfig):
    """The listed company the site discloses for: its profile, the validators and the image processing others use."""

    name = "company"
    verbose_name = "Company profile"

    def ready(self):
        from celery.signals import task_postrun, task_prerun

        from company import zone
        from irportal.accounts import navigation, roles
        from irportal.audit.registry import register_action

        register_action("company.profile_update", "Changed company profile")
        register_action("security.upload_refused", "Upload refused (file checks or malware scan)")
        # The name profile changes were recorded under before the profile had an app of its own.
        register_action("investors.profile_update", "Changed company profile (older entries)")
        roles.grant(roles.IR_ADMIN, "company.view_companyprofile", "company.change_companyprofile")
        # Tasks (alert and staff mails, the sweep, imports) run in company time, as requests do.
        task_prerun.connect(zone.task_started, weak=False, dispatch_uid="company.zone.task_started")
        task_postrun.connect(zone.task_finished, weak=False, dispatch_uid="company.zone.task_finished")
        navigation.register(
            navigation.NavItem("Company profile", "company:profile_edit", "company.change_companyprofile", order=90)
        )
