from django.db import models


class Heartbeat(models.Model):
    """The last sign of life of one background process: ``beat`` (each sweep run) or ``worker:<hostname>``."""

    name = models.CharField(max_length=200, primary_key=True)
    beat_at = models.DateTimeField(help_text="UTC")

    class Meta:
        default_permissions = ()

    def __str__(self):
        return f"{self.name} at {self.beat_at:%Y-%m-%d %H:%M:%S}"
