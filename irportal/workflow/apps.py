from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkflowConfig(AppConfig):
    name = "irportal.workflow"
    label = "workflow"
    verbose_name = "Approval workflow"

    def ready(self):
        from company import demo as company_demo
        from irportal.accounts import navigation, roles, sessions
        from irportal.audit.registry import register_action
        from irportal.ops.logs import secret_in_path
        from irportal.ops.metrics import register_collector

        # The tasks before any worker or producer starts; the staff notifications as a side effect of changes.
        from irportal.workflow import demo as workflow_demo
        from irportal.workflow import notifications, outbox, sweep, tasks  # noqa: F401
        from irportal.workflow.console.calendar import revoke_feed_when_sessions_end
        from irportal.workflow.console.dashboard import may_view_some_kind, register_panels

        register_action("workflow.step_change", _("Changed an approval step"))
        register_action("calendar.feed_create", _("Made a private calendar address"))
        register_action("calendar.feed_revoke", _("Revoked a private calendar address"))

        sessions.sessions_ended.connect(revoke_feed_when_sessions_end, dispatch_uid="calendar_feed_revoke")
        # The private calendar feed's address is its key: never written to a log.
        secret_in_path("/feeds/calendar/")
        register_collector("sweep", sweep.collect_metrics)
        register_collector("outbox", outbox.collect_metrics)
        roles.grant(
            roles.IR_ADMIN, "workflow.view_approvalstep", "workflow.add_approvalstep", "workflow.change_approvalstep"
        )
        register_panels()
        company_demo.register_own_published("workflow", workflow_demo.own_published)
        navigation.register(
            navigation.NavItem(_("Calendar"), "console:calendar", order=25, shown_to=may_view_some_kind)
        )
        navigation.register(
            navigation.NavItem(_("Approval steps"), "workflow:steps", "workflow.change_approvalstep", order=85)
        )
