from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "irportal.audit"
    label = "audit"
    verbose_name = "Audit log"

    def ready(self):
        from django.db.models import Q

        from irportal.audit import (
            retention,
            tasks,  # noqa: F401 - registers the tasks before any worker or producer starts
        )
        from irportal.audit.models import AuditEntry

        retention.protect(AuditEntry, when=Q(), reason="audit entries are kept for good", retained_from="timestamp")
