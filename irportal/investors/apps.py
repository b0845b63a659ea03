from django.apps import AppConfig


class InvestorsConfig(AppConfig):
    name = "irportal.investors"
    label = "investors"
    verbose_name = "Investor information"

    def ready(self):
        from events.selectors import next_scheduled_change
        from irportal.accounts import navigation
        from irportal.audit.registry import register_action
        from irportal.investors import receivers, schedule
        from releases.views import next_publication

        register_action("investors.profile_update", "Changed company profile")
        navigation.register(
            navigation.NavItem("Company profile", "company:profile_edit", "investors.change_companyprofile", order=90)
        )
        schedule.register("releases", next_publication)
        schedule.register("events", next_scheduled_change)
        receivers.connect()
