from django.apps import AppConfig


class WorkflowConfig(AppConfig):
    name = "irportal.workflow"
    label = "workflow"
    verbose_name = "Approval workflow"

    def ready(self):
        from irportal.accounts import navigation
        from irportal.audit.registry import is_registered, register_action
        from irportal.ops.metrics import register_collector
        from irportal.workflow import sweep, tasks  # noqa: F401 - registers the tasks before any worker or producer starts

        if not is_registered("workflow.step_change"):
            register_action("workflow.step_change", "Changed an approval step")

        register_collector("sweep", sweep.collect_metrics)
        navigation.register(
            navigation.NavItem("Approval steps", "workflow:steps", "workflow.change_approvalstep", order=85)
        )
