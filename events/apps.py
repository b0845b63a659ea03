from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EventsConfig(AppConfig):
    name = "events"
    verbose_name = _("Investor events")

    def ready(self):
        from company import demo as company_demo
        from events import workflow  # registers the workflow spec, audit actions and sweep parts
        from events.announce import announced_events
        from events.console import EventKind
        from events.dashboard import webcasts_and_replays
        from irportal.accounts import dashboard, roles
        from irportal.audit.registry import register_action
        from irportal.workflow import console
        from irportal.workflow.demo import demo_kind
        from releases.checks import register_announced

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
        console.register(EventKind())
        company_demo.register(demo_kind(workflow.EVENT, "events", order=30))
        console.extend("releases", review_panels=("staff/events/_release_events.html",))
        register_action("event.announce", "Event announced in a release")
        register_announced(announced_events)
        dashboard.register(
            dashboard.Panel(
                "webcasts",
                "staff/dashboard/_webcasts.html",
                webcasts_and_replays,
                permission="events.view_event",
                order=30,
            )
        )
