from django.apps import AppConfig


class EventsConfig(AppConfig):
    name = "events"
    verbose_name = "Investor events"

    def ready(self):
        from events import workflow  # noqa: F401 - registers the workflow spec, audit actions and sweep parts
        from irportal.accounts import navigation

        navigation.register(navigation.NavItem("Events", "events_staff:list", "events.view_event", order=20))
