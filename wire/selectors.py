"""Reads of the newswire: each scheduled release's wire state with its alarms, a release's transmissions,
and the company's record of what went out."""

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from irportal.workflow.models import State
from releases.models import Release
from wire.models import Exhibit, Transmission
from wire.services import ALARM_BEFORE, ALARM_TEXT, gate_holds, stale_transmissions

SHOWN = 20
# How long after its embargo a release stays on the board (held, failed or just out).
BOARD_AFTER = timedelta(hours=24)
Status = Transmission.Status


@dataclass
class WireState:
    """A release's wire state as the dashboard and the release's page show it."""

    release: Release
    transmission: Transmission | None
    state: str  # "website_only", "waiting" (no embargo yet), or a transmission's status
    label: str
    alarms: list[str] = field(default_factory=list)
    # The next moment an alarm may be raised (ten minutes before the embargo, or the embargo): an open
    # dashboard asks the server again then.
    alarm_at: datetime | None = None

    @property
    def embargo(self):
        """The release's embargo, or for a release changed since, the hold time the wire has."""
        return self.release.publish_at or (self.transmission.hold_until if self.transmission else None)

    @property
    def alarm_texts(self) -> list[str]:
        return [ALARM_TEXT[alarm] for alarm in self.alarms]


def _current_for(release: Release, transmissions: list[Transmission]) -> Transmission | None:
    """The transmission of the release's approved revision at its embargo, else its latest."""
    number = release.approved_revision.number if release.approved_revision_id else None
    for transmission in transmissions:
        if transmission.revision_number == number and transmission.hold_until == release.publish_at:
            return transmission
    return transmissions[0] if transmissions else None


def wire_state(release: Release, transmissions: list[Transmission], now: datetime) -> WireState:
    """One release's state and alarms, from its columns, its transmissions (newest first) and ``now``."""
    transmission = _current_for(release, transmissions)
    approved = release.status == State.APPROVED
    if approved and not release.held and not (transmission and transmission.status != Status.SUPERSEDED):
        if gate_holds(release):  # approved without an embargo yet: nothing is sent before it has one
            return WireState(release, None, "waiting", _("Goes to the wire once scheduled"))
        return WireState(release, None, "website_only", _("Website only"))
    if transmission is None:
        return WireState(release, None, "queued", Status.QUEUED.label)
    state = WireState(release, transmission, transmission.status, transmission.get_status_display())
    gate_shut = approved and release.held and release.gate_opens_at is None
    current = gate_shut and transmission.revision_number == release.approved_revision.number
    if transmission.status == Status.FAILED and (current or not approved):
        state.alarms.append("failed")
    if current and not transmission.accepted and release.publish_at - now <= ALARM_BEFORE:
        state.alarms.append("not_accepted")
    if gate_shut and release.publish_at <= now:
        state.alarms.append("held")
    if current and not transmission.accepted and release.publish_at - ALARM_BEFORE > now:
        state.alarm_at = release.publish_at - ALARM_BEFORE
    elif gate_shut and release.publish_at > now:
        state.alarm_at = release.publish_at
    if (
        transmission.status in {Status.SENT, Status.ACCEPTED}
        and transmission.hold_until > now
        and not (
            approved
            and release.publish_at == transmission.hold_until
            and release.approved_revision.number == transmission.revision_number
        )
    ):
        state.alarms.append("stale")
    return state


def board(now: datetime) -> list[WireState]:
    """The dashboard's newswire panel: every release on its way to the wire or held for it, soonest first.

    Approved releases whose embargo is ahead or under a day past, those held at the gate, and those changed
    after the wire received them; two queries.
    """
    stale = stale_transmissions(now).values("release_id")
    releases = list(
        Release.objects.filter(
            Q(status=State.APPROVED, publish_at__isnull=False)
            & (Q(publish_at__gte=now - BOARD_AFTER) | Q(held=True, gate_opens_at__isnull=True))
            | Q(pk__in=stale)
        )
        .select_related("approved_revision")
        .defer("approved_revision__content")
        .order_by("publish_at")[:SHOWN]
    )
    by_release: dict[int, list[Transmission]] = {}
    for transmission in Transmission.objects.filter(release__in=releases).order_by("-created_at", "-pk"):
        by_release.setdefault(transmission.release_id, []).append(transmission)
    return [wire_state(release, by_release.get(release.pk, []), now) for release in releases]


def exhibit_revision(release: Release):
    """The revision the release's Exhibit 99.1 is made from: its approved one (before the embargo too, for the
    filing agent), else the one the public reads once published; None for any other release."""
    if release.status == State.APPROVED:
        return release.approved_revision
    return release.live_revision if release.is_live else None


def exhibit_made(release: Release):
    """The Exhibit 99.1 of ``exhibit_revision``, if it has been made (approval makes it for the wire, the first
    download for website-only news)."""
    revision = exhibit_revision(release)
    if revision is None:
        return None
    return (
        Exhibit.objects.filter(release=release, revision_number=revision.number)
        .only("sha256", "revision_number")
        .first()
    )


def transmissions_of(release: Release):
    return (
        Transmission.objects.filter(release=release)
        .select_related("exhibit", "confirmed_by", "queued_by", "replaces")
        .order_by("-created_at", "-pk")
    )


def record(*, release_id: int | None = None, status: str = ""):
    """The company's record of what went out: every transmission, newest first, with its answers."""
    found = Transmission.objects.select_related("release", "exhibit", "confirmed_by").order_by("-created_at", "-pk")
    if release_id:
        found = found.filter(release_id=release_id)
    if status:
        found = found.filter(status=status)
    return found
