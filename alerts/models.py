"""Email alert subscribers and the record of every alert mail.

A ``Subscriber`` holds what sending needs and no more: the address, the
choice of news, events and/or financial reports, the language of its mails,
and where the double opt-in stands. The confirmation token is stored only as
its SHA-256. Unsubscribing erases the address; the row stays so that the
delivery counts stay right.

A ``Delivery`` is one alert to one subscriber about one published item. Its
unique constraint on (subscriber, topic, item) is what makes an alert go out
exactly once: rows are created with a conditional insert and each is claimed
with a conditional UPDATE, which gives the attempt its Message-ID, before its
mail is sent. ``SentMessage`` is the send log: the Message-ID of every mail
the server accepted, written the moment it answered, which recovery checks
before it sends again.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class SubscriberStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for confirmation")
    CONFIRMED = "confirmed", _("Confirmed")
    UNSUBSCRIBED = "unsubscribed", _("Unsubscribed")


class Audience(models.TextChoices):
    NEWS = "news", _("News releases")
    EVENTS = "events", _("Events and webcast replays")
    REPORTS = "reports", _("Financial results, reports and presentations")


def language_choices():
    """The site's languages; the sign-up form offers those the company discloses in."""
    return settings.LANGUAGES


def primary_language() -> str:
    return settings.LANGUAGE_CODE


class SubscriberQuerySet(models.QuerySet):
    def receiving(self, *audiences: str):
        """Confirmed subscribers who asked for any of ``audiences`` (news, events or reports)."""
        chosen = Q()
        for audience in audiences:
            chosen |= Q(**{audience: True})
        return self.filter(chosen, status=SubscriberStatus.CONFIRMED)


class Subscriber(models.Model):
    # Lower-cased; null once the subscriber has unsubscribed (the address is erased).
    email = models.EmailField(max_length=254, unique=True, null=True, blank=True)
    status = models.CharField(
        max_length=20, choices=SubscriberStatus.choices, default=SubscriberStatus.PENDING, db_index=True
    )
    news = models.BooleanField(default=False)
    events = models.BooleanField(default=False)
    reports = models.BooleanField(default=False)
    # The choice waiting for confirmation; applied when the link in the mail is used.
    requested_news = models.BooleanField(default=False)
    requested_events = models.BooleanField(default=False)
    requested_reports = models.BooleanField(default=False)
    # The language of every mail to the subscriber: interface, content and links (/fr/investors/...).
    language = models.CharField(max_length=10, choices=language_choices, default=primary_language)
    requested_language = models.CharField(max_length=10, choices=language_choices, default=primary_language)
    confirm_token_hash = models.CharField(max_length=64, blank=True, db_index=True)
    confirm_requested_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    unsubscribed_at = models.DateTimeField(null=True, blank=True)

    objects = SubscriberQuerySet.as_manager()

    class Meta:
        ordering = ["pk"]
        default_permissions = ("view",)

    def __str__(self):
        return f"subscriber {self.pk}"


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")
    SKIPPED = "skipped", _("Skipped (unsubscribed before sending)")


class Delivery(models.Model):
    subscriber = models.ForeignKey(Subscriber, on_delete=models.CASCADE, related_name="deliveries")
    # What happened to which kind of item, e.g. "release.publish", "event.replay_publish".
    topic = models.CharField(max_length=40)
    item_id = models.PositiveBigIntegerField()
    status = models.CharField(max_length=20, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # The Message-ID of the latest attempt, set when the row is claimed, before the mail is sent.
    message_id = models.CharField(max_length=255, blank=True)
    # A pending row waits for beat until then after a failed try (null: it may be claimed now).
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    # When a batch task for the row was last queued; beat queues another when none has come for it.
    queued_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["pk"]
        default_permissions = ("view",)
        permissions = [("resend_delivery", "Can send failed alert mails again")]
        verbose_name_plural = "deliveries"
        constraints = [
            models.UniqueConstraint(fields=["subscriber", "topic", "item_id"], name="alert_delivery_once"),
        ]
        indexes = [
            models.Index(fields=["topic", "item_id", "status"], name="alert_delivery_item_status"),
            models.Index(fields=["status"], condition=Q(status="sending"), name="alert_delivery_sending"),
            models.Index(fields=["queued_at"], condition=Q(status="pending"), name="alert_delivery_pending"),
            # Few, counted at every metrics scrape and on the admin's dashboard.
            models.Index(fields=["status"], condition=Q(status="failed"), name="alert_delivery_failed"),
        ]

    def __str__(self):
        return f"{self.topic} {self.item_id} to subscriber {self.subscriber_id}"


class SentMessage(models.Model):
    """The send log: one row per alert mail the SMTP server accepted, by the attempt's Message-ID."""

    message_id = models.CharField(max_length=255, unique=True)
    delivery = models.ForeignKey(Delivery, on_delete=models.CASCADE, related_name="+")
    accepted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["pk"]
        default_permissions = ()

    def __str__(self):
        return self.message_id
