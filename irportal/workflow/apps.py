from django.apps import AppConfig


class WorkflowConfig(AppConfig):
    name = "irportal.workflow"
    label = "workflow"
    verbose_name = "Approval workflow"
