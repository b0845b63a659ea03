from django.apps import AppConfig


class EventsConfig(AppConfig):
    name = "events"
    verbose_name = "Investor events"

    def ready(self):
        from events import workflow  # noqa: F401 - registers the workflow spec, audit actions and sweep parts
        from irportal.accounts import navigation, roles

        roles.grant(
            roles.IR_AUTHOR, "events.view_event", "events.add_event", "events.change_event", "events.submit_event"
        )
        roles.grant(
            roles.IR_APPROVER,
            *("events.view_event", "events.review_event", "events.publish_event"),
            *("events.withdraw_event", "events.cancel_event"),
        )
        roles.grant(roles.COMPLIANCE_REVIEWER, "events.view_event")
        roles.grant(roles.IR_ADMIN, "events.view_event")
        navigation.register(navigation.NavItem("Events", "events_staff:list", "events.view_event", order=20))
