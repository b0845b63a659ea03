from django.db import models


class Heartbeat(models.Model):
    """The last sign of life of one background process: ``beat`` (each sweep run) or ``worker:<hostname>``."""

    name = models.CharField(max_length=200, primary_key=True)
    beat_at = models.DateTimeField(help_text="UTC")

    class Meta:
        default_permissions = ()

    def __str__(self):
        return f"{self.name} at {self.beat_at:%Y-%m-%d %H:%M:%S}"


class ImportSource(models.Model):
    """One scheduled import from an outside service (EDGAR, a price feed), shared by every process.

    When it last brought the data up to date, what went wrong since, when it
    may ask again (the backoff), the validators of its last answers
    (``ETag``, ``Last-Modified``), the moments of its recent requests (its
    rate limit) and what it still has to fetch (``progress``, the importer's
    own). ``irportal.ops.imports`` is the only writer.
    """

    name = models.CharField(max_length=50, primary_key=True)
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    last_success_at = models.DateTimeField(null=True, blank=True, help_text="When the data was last confirmed current")
    last_error = models.TextField(blank=True)
    failing_since = models.DateTimeField(null=True, blank=True)
    failures = models.PositiveIntegerField(default=0)
    retry_at = models.DateTimeField(null=True, blank=True, help_text="No request before this moment (backoff)")
    running_until = models.DateTimeField(null=True, blank=True, help_text="A run holds the source until then")
    validators = models.JSONField(default=dict, blank=True)
    recent_requests = models.JSONField(default=list, blank=True)
    progress = models.JSONField(default=dict, blank=True)

    class Meta:
        default_permissions = ()

    def __str__(self):
        return self.name
