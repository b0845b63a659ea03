from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AlertsConfig(AppConfig):
    name = "alerts"
    verbose_name = _("Email alerts")

    def ready(self):
        from alerts import metrics, tasks
        from irportal.accounts import dashboard, navigation, roles
        from irportal.audit.registry import register_action
        from irportal.ops.logs import secret_in_path
        from irportal.ops.metrics import register_collector
        from irportal.workflow import outbox

        for name, label in [
            ("alerts.subscribe", _("Asked for email alerts")),
            ("alerts.confirm", _("Confirmed email alerts")),
            ("alerts.unsubscribe", _("Unsubscribed from email alerts")),
            ("alerts.resend_failed", _("Sent failed alert mails again")),
        ]:
            register_action(name, label)
        # The links in alert mails carry their token in the path: never written to a log.
        secret_in_path("/alerts/confirm/", "/alerts/unsubscribe/")
        roles.grant(roles.COMPLIANCE_REVIEWER, "alerts.view_subscriber")
        roles.grant(roles.IR_ADMIN, "alerts.view_subscriber", "alerts.resend_delivery")
        # Each publication with an alert topic is fanned out by a worker, from a row written with the change.
        outbox.register("alerts.fan_out", tasks.fan_out_change, on_change=tasks.takes_part)
        register_collector("alerts", metrics.collect_metrics)
        navigation.register(
            navigation.NavItem(_("Email alerts"), "alerts_staff:overview", "alerts.view_subscriber", 75)
        )
        dashboard.register(
            dashboard.Panel(
                "backlog",
                "staff/dashboard/_backlog.html",
                metrics.backlog,
                permission="auth.change_user",  # the IR Admin's: who runs the site for the team
                order=60,
            )
        )
