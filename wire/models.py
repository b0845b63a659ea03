"""The newswire: the company's wire settings, what was sent to the wire, and the Exhibit 99.1 of each revision.

A ``Transmission`` is one approved revision of a release, for one hold time, sent to the wire once
(``wire.services``); its states are the dashboard's: not sent (queued), sending, sent, accepted,
confirmed, failed, superseded. An ``Exhibit`` is the Form 8-K Exhibit 99.1 of one revision, made once and
kept byte for byte (``wire.exhibit``).
"""

import hashlib
import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from releases.models import Release


class Policy(models.TextChoices):
    WITH_THE_WIRE = "with_the_wire", _("With the wire")
    AFTER_THE_WIRE = "after_the_wire", _("After the wire")


class WireSettings(models.Model):
    """The company's side of the newswire: its account there, and when the website may show a wired release.

    One per site (primary key 1). Where transmissions go and with which credentials is the operator's
    (the environment: docs/operators/newswire.md); the wire's name is the company profile's.
    """

    SINGLETON_PK = 1

    account = models.CharField(
        max_length=80, blank=True, help_text=_("The company's account or member number at the wire, as it gave it.")
    )
    policy = models.CharField(
        max_length=20,
        choices=Policy.choices,
        default=Policy.AFTER_THE_WIRE,
        help_text=_(
            "With the wire: the website shows a release at its embargo second if the wire accepted it in time. "
            "After the wire: at the later of the embargo and the wire's confirmation that it crossed."
        ),
    )
    lead_minutes = models.PositiveSmallIntegerField(
        default=15,
        verbose_name=_("Minutes the wire must have accepted a release before its embargo"),
        help_text=_("With the wire: a release the wire accepted later than this is held until the wire confirms it."),
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        default_permissions = ("view", "change")
        verbose_name_plural = "wire settings"
        constraints = [models.CheckConstraint(condition=Q(pk=1), name="wire_settings_singleton")]

    def __str__(self):
        return f"wire settings ({self.get_policy_display()})"

    def save(self, *args, **kwargs):
        self.pk = self.SINGLETON_PK
        super().save(*args, **kwargs)

    @classmethod
    def load(cls) -> "WireSettings":
        return cls.objects.filter(pk=cls.SINGLETON_PK).first() or cls()


class Exhibit(models.Model):
    """A revision of a release as Exhibit 99.1 to the Form 8-K: made once, kept byte for byte.

    ``html`` is the EDGAR HTML document (ASCII, ``ex991.htm``), ``text`` its plain-text rendering
    (``ex991.txt``); ``images`` lists the graphic files it references, each stored in ``ExhibitImage``.
    ``sha256`` is the hash of ``html``: stored with every transmission of the revision and shown on the
    release's page and in the audit entries.
    """

    release = models.ForeignKey(Release, on_delete=models.PROTECT, related_name="exhibits")
    revision_number = models.PositiveIntegerField()
    content_hash = models.CharField(max_length=64, help_text=_("Of the revision it renders"))
    html = models.BinaryField()
    text = models.BinaryField()
    sha256 = models.CharField(max_length=64)
    text_sha256 = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        default_permissions = ()
        constraints = [models.UniqueConstraint(fields=["release", "revision_number"], name="exhibit_one_per_revision")]

    def __str__(self):
        return f"Exhibit 99.1 of {self.release_id} revision {self.revision_number}"

    @staticmethod
    def hash(data: bytes) -> str:
        return hashlib.sha256(data).hexdigest()


class ExhibitImage(models.Model):
    """A graphic file of an exhibit (JPEG), named as the exhibit's ``<img src>`` names it."""

    exhibit = models.ForeignKey(Exhibit, on_delete=models.CASCADE, related_name="images")
    name = models.CharField(max_length=32)
    data = models.BinaryField()
    sha256 = models.CharField(max_length=64)

    class Meta:
        default_permissions = ()
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["exhibit", "name"], name="exhibit_image_name_unique")]

    def __str__(self):
        return self.name


class Transmission(models.Model):
    """One approved revision of a release, for one hold time, sent to the wire exactly once."""

    class Kind(models.TextChoices):
        RELEASE = "release", _("Release")
        CORRECTION = "correction", _("Correction")

    class Status(models.TextChoices):
        QUEUED = "queued", pgettext_lazy("a transmission", "Not sent")
        SENDING = "sending", pgettext_lazy("a transmission", "Sending")
        SENT = "sent", pgettext_lazy("a transmission", "Sent")
        ACCEPTED = "accepted", pgettext_lazy("a transmission", "Accepted")
        CONFIRMED = "confirmed", pgettext_lazy("a transmission", "Confirmed")
        FAILED = "failed", pgettext_lazy("a transmission", "Failed")
        SUPERSEDED = "superseded", pgettext_lazy("a transmission", "Superseded")

    # The wire's references to this transmission: the Message-ID, the file set's name, the Idempotency-Key.
    reference = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    release = models.ForeignKey(Release, on_delete=models.PROTECT, related_name="transmissions")
    revision_number = models.PositiveIntegerField()
    content_hash = models.CharField(max_length=64, help_text=_("Of the approved revision sent"))
    exhibit = models.ForeignKey(Exhibit, on_delete=models.PROTECT, related_name="transmissions")
    hold_until = models.DateTimeField(help_text=_("The embargo: the wire holds the release until then"))
    kind = models.CharField(max_length=12, choices=Kind.choices, default=Kind.RELEASE)
    # A correction replaces what the wire carried; a new hold time replaces the transmission with the old one.
    replaces = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    replaces_date = models.DateField(
        null=True, blank=True, help_text=_("A correction: the date of the release it replaces")
    )
    channel = models.CharField(max_length=10)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.QUEUED, db_index=True)
    queued_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)
    payload_sha256 = models.CharField(max_length=64, blank=True, help_text=_("Of what went out, as sent"))
    sent_at = models.DateTimeField(null=True, blank=True)
    answer = models.TextField(blank=True, help_text=_("The wire's answer to the submission"))
    accepted_at = models.DateTimeField(null=True, blank=True)
    wire_id = models.CharField(max_length=120, blank=True, help_text=_("The wire's own id of the release"))
    confirmed_at = models.DateTimeField(null=True, blank=True, help_text=_("When the confirmation was recorded"))
    crossed_at = models.DateTimeField(null=True, blank=True, help_text=_("When the wire says it crossed"))
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    confirmation_source = models.CharField(max_length=10, blank=True)  # "staff" or "webhook"
    failed_at = models.DateTimeField(null=True, blank=True)
    # The alarms raised for it, once each (the sweep claims them with conditional UPDATEs): ten minutes before
    # the embargo; and either "held at the embargo" or, for a release changed after the wire received this,
    # "stale" (a transmission is one or the other: the gate waits only for a current one).
    alarm_soon_at = models.DateTimeField(null=True, blank=True)
    alarm_held_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        default_permissions = ("view",)
        permissions = [("send_transmission", "Can send a failed transmission again and record the wire's answers")]
        constraints = [
            models.UniqueConstraint(
                fields=["release", "revision_number", "hold_until"], name="transmission_once_per_revision_and_time"
            )
        ]
        indexes = [models.Index(fields=["status", "hold_until"], name="transmission_status_hold")]

    def __str__(self):
        return f"{self.get_kind_display()} of {self.release_id} revision {self.revision_number} ({self.status})"

    @property
    def open(self) -> bool:
        """Still on its way: not failed, not superseded, not confirmed."""
        return self.status in {self.Status.QUEUED, self.Status.SENDING, self.Status.SENT, self.Status.ACCEPTED}

    @property
    def accepted(self) -> bool:
        return self.status in {self.Status.ACCEPTED, self.Status.CONFIRMED}


class WebhookReceipt(models.Model):
    """A signed webhook call the wire made, kept to refuse it when it comes again (a replay)."""

    signature = models.CharField(max_length=64, unique=True, help_text=_("The HMAC of the call, hex"))
    received_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        default_permissions = ()

    def __str__(self):
        return f"webhook {self.signature[:12]}"
