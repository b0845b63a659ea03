"""Who is signed in where: one row per staff session, so a user (or an IR Admin) can see and end them.

The session itself lives in Django's database session table; this row names
its user, the address and browser it was opened from, and when it was last
used (written at most once a minute). Ending a session deletes both.
"""

from django.conf import settings
from django.db import models


class UserSession(models.Model):
    session_key = models.CharField(max_length=40, unique=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="staff_sessions")
    ip = models.CharField(max_length=45, blank=True)
    user_agent = models.CharField(max_length=512, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_seen = models.DateTimeField()

    class Meta:
        ordering = ["-last_seen"]
        indexes = [models.Index(fields=["user", "-last_seen"], name="accounts_session_user_seen")]

    def __str__(self):
        return f"session of {self.user_id} from {self.ip or 'unknown address'}"
