from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WireConfig(AppConfig):
    """The newswire: transmissions, the wire's confirmations, the sequencing gate and the 8-K exhibit."""

    name = "wire"
    verbose_name = _("Newswire")

    def ready(self):
        from django.core import checks
        from django.db.models import Q

        from irportal.accounts import dashboard, navigation, roles
        from irportal.audit import retention
        from irportal.audit.registry import register_action
        from irportal.ops.metrics import register_collector
        from irportal.workflow import console, engine, outbox, sweep
        from wire import metrics, operations, services
        from wire.checks import check_wire_configuration
        from wire.models import Exhibit, ExhibitImage, Transmission

        checks.register(check_wire_configuration)
        # The gate every release that goes on the wire waits at, in the one read-time rule.
        engine.register_gate(
            engine.Gate(kind="release", holds=services.gate_holds, closed=services.gate_shut, note=services.gate_note)
        )
        outbox.register(
            services.SEND,
            lambda payload: services.transmission_send(payload["transmission_id"]),
            on_change=lambda kind, transition: False,
        )
        outbox.register(services.ALARM_MAIL, services.send_alarm_mail, on_change=lambda kind, transition: False)
        sweep.register("wire.alarms", services.raise_alarms, oldest_due=services.oldest_alarm_due)
        register_collector("wire", metrics.collect_metrics)
        for name, label in [
            ("wire.sent", "Sent to the newswire"),
            ("wire.failed", "Transmission to the newswire failed"),
            ("wire.send_again", "Sent to the newswire again"),
            ("wire.accepted", "The newswire accepted a release"),
            ("wire.confirmed", "The newswire confirmed a release crossed"),
            ("wire.alarm", "Newswire alarm"),
            ("wire.webhook_refused", "Refused a newswire webhook call"),
            ("wire.exhibit_download", "Downloaded an Exhibit 99.1"),
            ("wire.settings_update", "Changed the newswire settings"),
        ]:
            register_action(name, label)
        retention.protect(
            Transmission, when=Q(pk__isnull=False), reason="what went to the newswire is part of the disclosure record"
        )
        retention.protect(Exhibit, when=Q(pk__isnull=False), reason="an exhibit is kept as it was made, byte for byte")
        retention.protect(ExhibitImage, when=Q(pk__isnull=False), reason="an exhibit's graphics are part of it")
        console.extend("releases", review_panels=("staff/wire/_release_panel.html",), operations=operations.ALL)
        roles.grant(roles.IR_APPROVER, "wire.view_transmission", "wire.send_transmission")
        roles.grant(roles.IR_AUTHOR, "wire.view_transmission")
        roles.grant(roles.COMPLIANCE_REVIEWER, "wire.view_transmission")
        roles.grant(roles.IR_ADMIN, "wire.view_transmission", "wire.view_wiresettings", "wire.change_wiresettings")
        navigation.register(navigation.NavItem(_("Newswire"), "wire:overview", "wire.view_transmission", order=42))
        dashboard.register(
            dashboard.Panel(
                "wire",
                "staff/dashboard/_wire.html",
                operations.board_panel,
                permission="wire.view_transmission",
                order=15,
            )
        )
