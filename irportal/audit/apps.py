from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "irportal.audit"
    label = "audit"
    verbose_name = "Audit log"

    def ready(self):
        from irportal.audit import tasks  # noqa: F401 - registers the tasks before any worker or producer starts
