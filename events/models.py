"""Investor events: conference presentations, earnings calls, investor days, with their webcasts.

An ``Event`` row holds the working copy; every save makes an
``EventRevision`` whose ``content`` is the snapshot the public reads, so what
is public is exactly what was approved. The replay (its URL, when it becomes
available, how many days it stays) and a cancellation are operational facts
kept on the row, outside the revision: they change through their own audited
actions without sending the event back through approval.
"""

from datetime import datetime, timedelta

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from company.timefmt import datetime_text
from company.validators import validate_time_zone
from events import timefmt
from irportal.workflow.models import BaseRevision, State, WorkflowItem, WorkflowItemQuerySet

MAX_REPLAY_DAYS = 365


def _instant(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def _local_moment(instant, zone_name: str) -> str:
    local = instant.astimezone(timefmt.zone(zone_name))
    return datetime_text(local, weekday=True)


def replay_timing_problem(*, starts_at, ends_at, available_at, expires_at, time_zone: str) -> str:
    """Why a replay window does not fit its event, or "" when it does.

    A replay cannot be public before the event starts, and its window cannot close before the event is over
    (either would show "Replay expired" on an event still to come).
    """
    if starts_at is None or available_at is None:
        return ""
    if available_at < starts_at:
        return gettext("The replay cannot become available before the event starts (%(start)s).") % {
            "start": _local_moment(starts_at, time_zone)
        }
    finished_at = ends_at or starts_at
    if expires_at is not None and expires_at <= finished_at:
        return gettext("The replay window would close before the event ends (%(end)s): make the window longer.") % {
            "end": _local_moment(finished_at, time_zone)
        }
    return ""


class EventKind(models.TextChoices):
    CONFERENCE = "conference", _("Conference presentation")
    EARNINGS_CALL = "earnings_call", _("Earnings call")
    INVESTOR_DAY = "investor_day", _("Investor day")
    FIRESIDE_CHAT = "fireside_chat", _("Fireside chat")
    ANNUAL_MEETING = "annual_meeting", _("Annual meeting")
    OTHER = "other", _("Other event")


class ReplayStatus(models.TextChoices):
    PENDING = "pending", pgettext_lazy("a replay", "Pending")
    AVAILABLE = "available", pgettext_lazy("a replay", "Available")
    EXPIRED = "expired", pgettext_lazy("a replay", "Expired")


class EventQuerySet(WorkflowItemQuerySet):
    def announceable(self, now):
        """Events a release may announce: still to come, neither cancelled nor withdrawn, in any other state."""
        return (
            self.filter(starts_at__gt=now, cancelled_at__isnull=True)
            .exclude(status=State.WITHDRAWN)
            .order_by("starts_at", "pk")
        )

    def replay_publishable(self):
        """Events whose replay link may go public: on the public site, not cancelled, with a link."""
        return self.filter(live_revision__isnull=False, cancelled_at__isnull=True).exclude(status=State.WITHDRAWN)


class Event(WorkflowItem):
    slug = models.SlugField(max_length=120, unique=True, help_text=_("The address: /investors/events/<slug>/"))
    title = models.CharField(max_length=200, help_text=_("What the event is, e.g. the presentation's subject"))
    kind = models.CharField(max_length=20, choices=EventKind.choices, default=EventKind.CONFERENCE)
    organizer = models.CharField(max_length=200, blank=True, help_text=_("Conference or organizer name"))
    starts_at = models.DateTimeField(null=True, blank=True, db_index=True, help_text="UTC")
    ends_at = models.DateTimeField(null=True, blank=True, help_text="UTC")
    time_zone = models.CharField(
        max_length=64, default="America/New_York", validators=[validate_time_zone], help_text="IANA name"
    )
    location = models.CharField(max_length=120, blank=True, help_text=_('City, or "Virtual"'))
    presenters = models.JSONField(default=list, blank=True, help_text='[{"name": ..., "title": ...}]')
    webcast_url = models.URLField(blank=True, max_length=500)
    description = models.TextField(blank=True)

    # Operational: outside the approved revision, changed by their own audited actions.
    replay_url = models.URLField(blank=True, max_length=500)
    replay_available_at = models.DateTimeField(
        null=True, blank=True, help_text=_("UTC; the end of the event unless set")
    )
    replay_available_at_fixed = models.BooleanField(
        default=False, help_text=_("Set by staff; otherwise follows the end of the event")
    )
    replay_days = models.PositiveSmallIntegerField(
        default=7, validators=[MinValueValidator(1), MaxValueValidator(MAX_REPLAY_DAYS)]
    )
    replay_expires_at = models.DateTimeField(null=True, blank=True, help_text="replay_available_at + replay_days")
    replay_status = models.CharField(
        max_length=20, choices=ReplayStatus.choices, default=ReplayStatus.PENDING, editable=False
    )
    replay_published_at = models.DateTimeField(null=True, blank=True, editable=False)
    replay_expired_at = models.DateTimeField(null=True, blank=True, editable=False)
    cancelled_at = models.DateTimeField(null=True, blank=True, editable=False)
    cancelled_reason = models.TextField(blank=True, editable=False)

    live_revision = models.ForeignKey(
        "EventRevision", null=True, blank=True, on_delete=models.PROTECT, related_name="+", editable=False
    )
    approved_revision = models.ForeignKey(
        "EventRevision", null=True, blank=True, on_delete=models.PROTECT, related_name="+", editable=False
    )

    objects = EventQuerySet.as_manager()

    class Meta:
        ordering = ["-starts_at", "-pk"]
        permissions = [
            ("submit_event", "Can submit an event for review"),
            ("review_event", "Can approve or request changes to an event"),
            ("publish_event", "Can schedule or publish an approved event"),
            ("withdraw_event", "Can withdraw a published event"),
            ("cancel_event", "Can mark an event cancelled"),
        ]
        indexes = [
            models.Index(fields=["status", "publish_at"], name="event_status_publish_at"),
            # The sweep's reads: pending replays whose time has come; windows that have closed.
            models.Index(
                fields=["replay_available_at"], condition=Q(replay_status="pending"), name="event_replay_pending"
            ),
            models.Index(fields=["replay_status", "replay_expires_at"], name="event_replay_expires"),
            # The Investor page's reads: events not over yet (ends_at, or starts_at when it has no end), and
            # replay windows open now (the few not closed yet, not every window opened since the first event);
            # the public cache's schedule: the next replay to open, and to close.
            models.Index(Coalesce("ends_at", "starts_at"), name="event_finishes_at"),
            models.Index(fields=["replay_available_at", "replay_expires_at"], name="event_replay_window"),
            models.Index(fields=["replay_expires_at"], name="event_replay_open"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__isnull=True) | Q(starts_at__isnull=True) | Q(ends_at__gte=models.F("starts_at")),
                name="event_ends_after_start",
            ),
            models.CheckConstraint(
                condition=Q(replay_days__gte=1, replay_days__lte=MAX_REPLAY_DAYS), name="event_replay_days_range"
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("events:detail", args=[self.slug])

    def get_staff_url(self):
        return reverse("console:detail", kwargs={"kind": "events", "pk": self.pk})

    @property
    def is_cancelled(self) -> bool:
        return self.cancelled_at is not None

    @property
    def is_announceable(self) -> bool:
        """Still to come, neither cancelled nor withdrawn: a release may announce it (see ``events.announce``)."""
        upcoming = self.starts_at is not None and self.starts_at > timezone.now()
        return upcoming and not self.is_cancelled and self.status != State.WITHDRAWN

    def schedule_replay(self) -> None:
        """Derive the replay's times: available at the end of the event unless staff set it; then the window."""
        if not self.replay_available_at_fixed:
            self.replay_available_at = self.ends_at or self.starts_at
        self.replay_expires_at = (
            self.replay_available_at + timedelta(days=self.replay_days) if self.replay_available_at else None
        )

    def replay_timing_problem(self) -> str:
        return replay_timing_problem(
            starts_at=self.starts_at,
            ends_at=self.ends_at,
            available_at=self.replay_available_at,
            expires_at=self.replay_expires_at,
            time_zone=self.time_zone,
        )

    def replay_visible(self, now) -> bool:
        """Whether the replay link is public at ``now``: read from the columns, to the second."""
        return bool(
            self.replay_url
            and not self.is_cancelled
            and self.replay_available_at is not None
            and self.replay_available_at <= now < self.replay_expires_at
        )


class EventRevision(BaseRevision):
    event = models.ForeignKey(Event, on_delete=models.PROTECT, related_name="revisions")
    # The snapshot's times as columns, so the public lists select and sort by what the public reads (a
    # correction waiting for approval has other times on the event's row). Set from the content on save.
    starts_at = models.DateTimeField(null=True, blank=True, editable=False)
    ends_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta(BaseRevision.Meta):
        constraints = [models.UniqueConstraint(fields=["event", "number"], name="event_revision_unique")]

    def save(self, *args, **kwargs):
        self.columns_from_content()
        super().save(*args, **kwargs)

    def columns_from_content(self) -> None:
        self.starts_at = _instant(self.content.get("starts_at"))
        self.ends_at = _instant(self.content.get("ends_at"))


class EventAnnouncement(models.Model):
    """A release that announces an event: its bullet links the event's page, and the page links back.

    ``revision_number`` and ``content_hash`` are those of the event's revision the bullet was written from,
    so the release's checks can say when the event changed after it was announced.
    """

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="announcements")
    release = models.ForeignKey("releases.Release", on_delete=models.CASCADE, related_name="event_announcements")
    revision_number = models.PositiveIntegerField()
    content_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        default_permissions = ()
        constraints = [models.UniqueConstraint(fields=["event", "release"], name="event_announcement_unique")]

    def __str__(self):
        return f"event {self.event_id} announced in release {self.release_id}"
