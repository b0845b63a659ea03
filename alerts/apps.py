from django.apps import AppConfig


class AlertsConfig(AppConfig):
    name = "alerts"
    verbose_name = "Email alerts"

    def ready(self):
        from alerts import metrics, tasks  # noqa: F401 - registers the tasks before any worker or producer starts
        from alerts.signals import on_state_changed
        from irportal.accounts import navigation, roles
        from irportal.audit.registry import register_action
        from irportal.ops.metrics import register_collector
        from irportal.workflow.signals import state_changed

        for name, label in [
            ("alerts.subscribe", "Asked for email alerts"),
            ("alerts.confirm", "Confirmed email alerts"),
            ("alerts.unsubscribe", "Unsubscribed from email alerts"),
        ]:
            register_action(name, label)
        roles.grant(roles.COMPLIANCE_REVIEWER, "alerts.view_subscriber")
        roles.grant(roles.IR_ADMIN, "alerts.view_subscriber")
        state_changed.connect(on_state_changed, dispatch_uid="alerts.on_state_changed")
        register_collector("alerts", metrics.collect_metrics)
        navigation.register(navigation.NavItem("Email alerts", "alerts_staff:overview", "alerts.view_subscriber", 75))
