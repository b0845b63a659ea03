from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "irportal.audit"
    label = "audit"
    verbose_name = "Audit log"

    def ready(self):
        from celery import signals
        from django.db.models import Q
        from django.db.models.signals import post_migrate

        from irportal.audit import (
            checks,  # noqa: F401 - registers the system checks
            context,
            database_roles,
            health,
            restore,
            retention,
            tasks,  # noqa: F401 - registers the tasks before any worker or producer starts
        )
        from irportal.audit.checkpoint import checkpoint_path
        from irportal.audit.models import AuditEntry
        from irportal.ops import backup, metrics

        retention.protect(AuditEntry, when=Q(), reason="audit entries are kept for good", retained_from="timestamp")
        signals.task_prerun.connect(context.task_started, dispatch_uid="irportal.audit.task_started", weak=False)
        signals.task_postrun.connect(context.task_finished, dispatch_uid="irportal.audit.task_finished", weak=False)
        metrics.register_collector("audit", health.collect_metrics)

        backup.register_file("audit-checkpoints.log", checkpoint_path)
        backup.register_after_restore(restore.record_restore)
        # The runtime role's grants after every migration and restore, when the owner runs them.
        post_migrate.connect(database_roles.grant_after_migrate, sender=self, dispatch_uid="irportal.audit.grants")
        backup.register_after_restore(database_roles.grant_after_restore)
