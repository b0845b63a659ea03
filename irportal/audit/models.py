"""The append-only, hash-chained audit log.

Shaped after Wagtail's ``BaseLogEntry`` (registered action, label snapshot,
JSON data, a uuid grouping one user action, a user reference that survives the
user's deletion, null user = system) plus field before/after, request context
and the hash chain. Rows are written only by ``irportal.audit.services.audit_record``;
the database refuses UPDATE, DELETE and (on PostgreSQL) TRUNCATE of them.
"""

from datetime import UTC

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from irportal.audit import chain
from irportal.audit.exceptions import RetentionRefused


class AppendOnlyError(Exception):
    pass


class AuditEntryDeleteRefused(AppendOnlyError, RetentionRefused):
    """Audit entries are kept for good: the app refuses every deletion and records the attempt."""

    def __init__(self, entry=None):
        RetentionRefused.__init__(
            self,
            object_type="audit.auditentry",
            object_id=str(entry.sequence) if entry is not None else "",
            object_label=str(entry) if entry is not None else "audit entries",
            reason="audit entries cannot be deleted",
        )


class AuditEntryQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError("audit entries cannot be changed")

    def delete(self):
        raise AuditEntryDeleteRefused()

    def for_object(self, obj):
        return self.filter(object_type=object_type_of(obj), object_id=str(obj.pk))


def object_type_of(obj) -> str:
    return f"{obj._meta.app_label}.{obj._meta.model_name}"


class AuditEntry(models.Model):
    sequence = models.PositiveBigIntegerField(unique=True, editable=False)
    timestamp = models.DateTimeField(db_index=True, editable=False, help_text="UTC")
    group_id = models.UUIDField(editable=False, help_text="Groups the entries of one user action")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
        help_text="Null for the system (Celery, commands) and anonymous visitors",
    )
    actor_label = models.CharField(max_length=150, editable=False)
    action = models.CharField(max_length=100, editable=False)
    object_type = models.CharField(max_length=100, blank=True, editable=False)
    object_id = models.CharField(max_length=64, blank=True, editable=False)
    object_label = models.CharField(max_length=255, blank=True, editable=False)
    changes = models.JSONField(default=dict, blank=True, editable=False, help_text="field: {before, after}")
    data = models.JSONField(default=dict, blank=True, editable=False)
    ip = models.CharField(max_length=45, blank=True, editable=False)
    user_agent = models.CharField(max_length=512, blank=True, editable=False)
    request_id = models.CharField(max_length=64, blank=True, editable=False)
    prev_hash = models.CharField(max_length=64, editable=False)
    entry_hash = models.CharField(max_length=64, unique=True, editable=False)

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        ordering = ["-sequence"]
        default_permissions = ("view",)
        permissions = [("export_auditentry", "Can export the audit log")]
        indexes = [
            models.Index(fields=["action", "-sequence"], name="audit_action_seq"),
            models.Index(fields=["object_type", "object_id", "-sequence"], name="audit_object_seq"),
            models.Index(fields=["actor", "-sequence"], name="audit_actor_seq"),
            models.Index(fields=["actor_label", "-sequence"], name="audit_actor_label_seq"),
        ]
        verbose_name_plural = "audit entries"

    def __str__(self):
        return f"#{self.sequence} {self.action} {self.object_type}:{self.object_id}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError("audit entries cannot be changed")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AuditEntryDeleteRefused(self)

    def hash_payload(self) -> dict:
        return hash_payload(
            sequence=self.sequence,
            timestamp=self.timestamp,
            group_id=self.group_id,
            actor_id=self.actor_id,
            actor_label=self.actor_label,
            action=self.action,
            object_type=self.object_type,
            object_id=self.object_id,
            object_label=self.object_label,
            changes=self.changes,
            data=self.data,
            ip=self.ip,
            user_agent=self.user_agent,
            request_id=self.request_id,
            prev_hash=self.prev_hash,
        )

    def compute_hash(self) -> str:
        return chain.entry_hash(self.hash_payload())


def format_timestamp(value) -> str:
    """UTC, microseconds always present: the form the hash and the exports use."""
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def hash_payload(**fields) -> dict:
    """The hashed fields of an entry as JSON values, in the form the exports carry."""
    fields["timestamp"] = format_timestamp(fields["timestamp"])
    fields["group_id"] = str(fields["group_id"])
    return fields


class VerificationRun(models.Model):
    """One walk of the hash chain (by the schedule or ``verify_audit``): the chain health compliance sees."""

    class Source(models.TextChoices):
        SCHEDULE = "schedule", _("Scheduled check")
        COMMAND = "command", _("verify_audit command")

    started_at = models.DateTimeField(help_text="UTC")
    finished_at = models.DateTimeField(help_text="UTC")
    source = models.CharField(max_length=20, choices=Source.choices)
    ok = models.BooleanField()
    entries_checked = models.PositiveBigIntegerField(default=0)
    head_sequence = models.PositiveBigIntegerField(default=0)
    head_hash = models.CharField(max_length=64, blank=True)
    checkpoints_checked = models.PositiveIntegerField(default=0)
    broken_sequence = models.PositiveBigIntegerField(null=True, blank=True)
    problem = models.TextField(blank=True)
    checkpoint_sequence = models.PositiveBigIntegerField(null=True, blank=True, help_text="The newest checkpoint")
    checkpoint_hash = models.CharField(max_length=64, blank=True)
    checkpoint_at = models.CharField(max_length=32, blank=True)

    class Meta:
        ordering = ["-finished_at", "-id"]
        default_permissions = ()
        get_latest_by = "finished_at"

    def __str__(self):
        return f"{'intact' if self.ok else 'BROKEN'} at {self.finished_at:%Y-%m-%d %H:%M:%S}"

    @property
    def duration_seconds(self) -> float:
        return (self.finished_at - self.started_at).total_seconds()
