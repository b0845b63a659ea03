from django.apps import AppConfig


class WorkflowConfig(AppConfig):
    name = "irportal.workflow"
    label = "workflow"
    verbose_name = "Approval workflow"

    def ready(self):
        from irportal.accounts import navigation
        from irportal.audit.registry import is_registered, register_action

        # The tasks before any worker or producer starts; the staff notifications as a side effect of changes.
        from irportal.workflow import notifications, tasks  # noqa: F401

        if not is_registered("workflow.step_change"):
            register_action("workflow.step_change", "Changed an approval step")

        navigation.register(
            navigation.NavItem("Approval steps", "workflow:steps", "workflow.change_approvalstep", order=85)
        )
