from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "irportal.audit"
    label = "audit"
    verbose_name = "Audit log"
