"""The newswire's changes: queue a transmission with the approval, send it once, record the wire's answers.

- **The gate.** A release that goes on the wire is held at the workflow's gate (``irportal.workflow.engine``)
  from the transition that gives its approved revision an embargo (approve, schedule, "Publish now"): in
  that transaction ``gate_shut`` makes its Exhibit 99.1, queues one ``Transmission`` for that revision and
  hold time, and writes its sending as an outbox row. The gate opens (``engine.open_gate``) when the
  company's policy says so: *with the wire*, when the wire accepted the transmission at least
  ``lead_minutes`` before the embargo; *after the wire* (and with the wire, for a late acceptance) when the
  wire's confirmation that it crossed is recorded. The public reads the release from the later of its
  embargo and that moment, to the second (the rule in ``irportal/workflow/models.py``).
- **Exactly once.** ``transmission_send`` claims the row with a conditional UPDATE and sends under the
  transmission's reference (see ``wire.channels``); a transient failure is tried again by the outbox with
  backoff, up to ``WIRE_MAX_ATTEMPTS``; a permanent one marks it failed at once, alarms the approver and
  the IR Admins, and waits for a person's "send again".
- Every step is in the audit log, on the release (``wire.*``), with the revision's and exhibit's hashes.

Locks are taken release first, then transmission, everywhere.
"""

import hashlib
import hmac
import json
import logging
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mass_mail
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from company.models import CompanyProfile
from company.timefmt import datetime_text
from irportal.accounts.roles import IR_ADMIN
from irportal.audit.services import audit_record
from irportal.workflow import engine, outbox
from irportal.workflow.engine import TransitionNotAllowed, WorkflowPermissionDenied
from irportal.workflow.models import Approval, State
from releases.models import Release
from releases.workflow import RELEASE
from wire.channels import PermanentFailure, channel_for, configured_channel
from wire.exhibit import ExhibitRefused, exhibit_for
from wire.models import Policy, Transmission, WebhookReceipt, WireSettings

logger = logging.getLogger(__name__)

SEND = "wire.transmit"
ALARM_MAIL = "wire.alarm_mail"
# The dashboard's alarm, and the sweep's: the embargo this close and the wire has not accepted.
ALARM_BEFORE = timedelta(minutes=10)
SEND_PERMISSION = "wire.send_transmission"
PUBLISH_PERMISSION = RELEASE.perm("publish")
Status = Transmission.Status


def _company_name() -> str:
    return CompanyProfile.load().distribution or "the newswire"


def _local(moment: datetime) -> str:
    import zoneinfo

    return datetime_text(moment.astimezone(zoneinfo.ZoneInfo(CompanyProfile.load().home_time_zone)))


# -- the gate ----------------------------------------------------------------------------------------------


def gate_holds(release: Release) -> bool:
    """Whether the release goes on the wire, and so waits at the gate: a channel is configured, and the
    release is not website-only news."""
    return bool(configured_channel()) and not release.website_only


def gate_note(release: Release) -> str:
    """What the approver reads after the approval, schedule or "Publish now" of ``release``."""
    if release.website_only:
        return gettext("Website only: this release does not go on the newswire.")
    if not configured_channel():
        return gettext("Website only: no newswire channel is configured, so this release does not go on the wire.")
    if release.publish_at is None:
        return gettext("It goes to %(wire)s once it is scheduled or published now.") % {"wire": _company_name()}
    wire = WireSettings.load()
    if wire.policy == Policy.WITH_THE_WIRE:
        shown = gettext(
            "The website shows it at the embargo if %(wire)s accepts it at least %(minutes)s minutes before; "
            "otherwise once the wire confirms it crossed."
        ) % {"wire": _company_name(), "minutes": wire.lead_minutes}
    else:
        shown = gettext("The website shows it at the later of the embargo and the wire's confirmation that it crossed.")
    queued = gettext("Queued for %(wire)s, held for release until %(embargo)s.") % {
        "wire": _company_name(),
        "embargo": _local(release.publish_at),
    }
    return f"{queued} {shown}"


def _current(release: Release, transmission: Transmission) -> bool:
    """The transmission the release's gate waits for: its approved revision, at its embargo."""
    return (
        release.status == State.APPROVED
        and release.held
        and release.approved_revision_id is not None
        and release.approved_revision.number == transmission.revision_number
        and release.publish_at == transmission.hold_until
    )


def gate_shut(*, item: Release, actor, transition: str) -> dict:
    """In the transaction of the approval, schedule or "Publish now" that held ``item``: its exhibit, and one
    transmission of its approved revision for its embargo, queued as an outbox row. What the wire already
    has of the release is replaced: an earlier revision or hold time is superseded (the new submission
    says so), and a release that was public or crossed the wire is corrected ("CORRECTION --")."""
    release, revision = item, item.approved_revision
    try:
        exhibit = exhibit_for(release, revision)
    except ExhibitRefused as refused:
        raise TransitionNotAllowed(gettext("Nothing was changed. %(refusal)s") % {"refusal": refused}) from refused
    existing = Transmission.objects.filter(
        release=release, revision_number=revision.number, hold_until=release.publish_at
    ).first()
    if existing is not None and existing.status != Status.SUPERSEDED:
        return {"wire": _facts(existing)}  # approved again as it was: the wire has it (or will) once
    earlier = list(Transmission.objects.filter(release=release).exclude(pk=getattr(existing, "pk", None)))
    delivered = [t for t in earlier if t.sent_at is not None or t.status in {Status.ACCEPTED, Status.CONFIRMED}]
    Transmission.objects.filter(pk__in=[t.pk for t in earlier if t.open]).update(status=Status.SUPERSEDED)
    went_out = release.first_published_at is not None or any(
        t.status == Status.CONFIRMED and t.revision_number < revision.number for t in earlier
    )
    replaced = max(delivered, key=lambda t: (t.created_at, t.pk), default=None)
    fields = {
        "exhibit": exhibit,
        "content_hash": revision.content_hash,
        "channel": configured_channel(),
        "queued_by": actor,
        "replaces": replaced,
        "kind": Transmission.Kind.CORRECTION if went_out else Transmission.Kind.RELEASE,
        "replaces_date": _original_date(release, earlier) if went_out else None,
    }
    if existing is not None:  # superseded before, queued again: the same row, sent afresh
        Transmission.objects.filter(pk=existing.pk).update(
            status=Status.QUEUED, attempts=0, last_error="", sent_at=None, answer="", **fields
        )
        transmission = Transmission.objects.get(pk=existing.pk)
    else:
        transmission = Transmission.objects.create(
            release=release, revision_number=revision.number, hold_until=release.publish_at, **fields
        )
    outbox.record(SEND, {"transmission_id": transmission.pk})
    return {"wire": _facts(transmission)}


def _original_date(release: Release, earlier: list[Transmission]):
    """The date of the release a correction replaces: when it first went public, or crossed the wire."""
    import zoneinfo

    zone = zoneinfo.ZoneInfo(CompanyProfile.load().home_time_zone)
    crossed = [t.crossed_at for t in earlier if t.crossed_at]
    moment = release.first_published_at or (min(crossed) if crossed else None)
    return moment.astimezone(zone).date() if moment else None


def _facts(transmission: Transmission) -> dict:
    """A transmission as its audit entries carry it."""
    return {
        "transmission": transmission.pk,
        "reference": str(transmission.reference),
        "kind": transmission.kind,
        "channel": transmission.channel,
        "revision": transmission.revision_number,
        "content_hash": transmission.content_hash,
        "exhibit_sha256": transmission.exhibit.sha256,
        "hold_until": transmission.hold_until.isoformat(),
        "replaces": str(transmission.replaces.reference) if transmission.replaces_id else None,
    }


def _locked(transmission_id: int) -> tuple[Release, Transmission]:
    """The release, then its transmission, locked in that order (every service takes them so)."""
    release_id = Transmission.objects.values_list("release_id", flat=True).get(pk=transmission_id)
    release = Release.objects.select_for_update(of=("self",)).select_related("approved_revision").get(pk=release_id)
    return release, Transmission.objects.select_for_update(of=("self",)).select_related("exhibit").get(
        pk=transmission_id
    )


# -- sending -----------------------------------------------------------------------------------------------


def transmission_send(transmission_id: int) -> str:
    """The outbox's ``wire.transmit``: send the transmission once, unless it is sent, superseded or failed.

    A transient failure raises, and the outbox tries again with backoff; the last allowed try, or a
    permanent failure, marks it failed. Returns its status.
    """
    from wire.submission import submission_for

    claimed = Transmission.objects.filter(pk=transmission_id, status__in=[Status.QUEUED, Status.SENDING]).update(
        status=Status.SENDING, attempts=F("attempts") + 1
    )
    if not claimed:
        return Transmission.objects.values_list("status", flat=True).get(pk=transmission_id)
    transmission = Transmission.objects.select_related("release", "exhibit", "replaces").get(pk=transmission_id)
    if not _current(Release.objects.select_related("approved_revision").get(pk=transmission.release_id), transmission):
        # The release went back to draft (or was published) before this was sent: it must not go out.
        Transmission.objects.filter(pk=transmission_id, status=Status.SENDING).update(
            status=Status.SUPERSEDED, last_error="Not sent: the release changed before it went out."
        )
        return Status.SUPERSEDED
    try:
        answer = channel_for(transmission.channel).send(submission_for(transmission))
    except PermanentFailure as error:
        _fail(transmission_id, str(error))
        return Status.FAILED
    except Exception as error:  # the wire unreachable, or anything unforeseen: tried again, up to the limit
        if transmission.attempts >= settings.WIRE_MAX_ATTEMPTS:
            _fail(transmission_id, f"Gave up after {transmission.attempts} tries: {error}")
            return Status.FAILED
        Transmission.objects.filter(pk=transmission_id, status=Status.SENDING).update(
            status=Status.QUEUED, last_error=f"{type(error).__name__}: {error}"[:2000]
        )
        raise
    with transaction.atomic():
        release, transmission = _locked(transmission_id)
        now = timezone.now()
        Transmission.objects.filter(pk=transmission.pk).update(
            sent_at=now, answer=answer.text[:4000], payload_sha256=answer.payload_sha256, last_error=""
        )
        Transmission.objects.filter(pk=transmission.pk, status=Status.SENDING).update(status=Status.SENT)
        transmission.refresh_from_db()
        audit_record(
            action="wire.sent",
            obj=release,
            data=_facts(transmission)
            | {
                "answer": answer.text[:2000],
                "payload_sha256": answer.payload_sha256,
                "attempts": transmission.attempts,
            },
        )
        if answer.accepted:
            _accept(release, transmission, wire_id=answer.wire_id, source="channel", actor=None, at=now)
    return transmission.status


def _fail(transmission_id: int, reason: str) -> None:
    with transaction.atomic():
        release, transmission = _locked(transmission_id)
        _mark_failed(release, transmission, reason)


def _mark_failed(release, transmission, reason: str) -> None:
    """Failed for good (under the locks): shown with its reason, the approver and the IR Admins alarmed."""
    if transmission.status in {Status.SUPERSEDED, Status.CONFIRMED, Status.FAILED}:
        return
    Transmission.objects.filter(pk=transmission.pk).update(
        status=Status.FAILED, failed_at=timezone.now(), last_error=reason[:2000]
    )
    audit_record(action="wire.failed", obj=release, data=_facts(transmission) | {"reason": reason[:2000]})
    if _current(release, transmission):
        outbox.record(ALARM_MAIL, {"transmission_id": transmission.pk, "reason": "failed"})


def _require(actor, release_id: int, doing: str, *, action: str, step_up: dict | None) -> dict | None:
    """The approver's authority over what goes to the wire in the company's name: publishing's permission
    and the wire's, and a fresh second factor (the evidence, for the audit entry). A refusal is audited."""
    allowed = actor is not None and actor.is_authenticated and actor.has_perms([PUBLISH_PERMISSION, SEND_PERMISSION])
    if not allowed:
        # Lazy: the refusal is shown in the reader's language and audited in the primary one.
        reason = format_lazy(_("Your role does not allow you to {doing}."), doing=doing)
        engine.record_denial(RELEASE, pk=release_id, actor=actor, transition=action, reason=reason)
        raise WorkflowPermissionDenied(reason)
    return engine.require_step_up(RELEASE, actor=actor, step_up=step_up, action=action, pk=release_id)


def transmission_send_again(*, actor, transmission_id: int, step_up: dict | None = None) -> Transmission:
    """A person's "send again" of a failed transmission: queued afresh, its tries counted from one. It puts
    the release before the wire in the company's name, so it asks publishing's fresh second factor
    (``step_up``, the evidence), kept in the audit entry."""
    release_id = Transmission.objects.values_list("release_id", flat=True).get(pk=transmission_id)
    evidence = _require(actor, release_id, _("send a transmission again"), action="wire.send_again", step_up=step_up)
    with transaction.atomic():
        release, transmission = _locked(transmission_id)
        if transmission.status != Status.FAILED:
            raise TransitionNotAllowed(gettext("Only a failed transmission is sent again."))
        if not _current(release, transmission):
            raise TransitionNotAllowed(
                gettext("This release changed since that transmission; its new approval or schedule sends its own.")
            )
        Transmission.objects.filter(pk=transmission.pk).update(status=Status.QUEUED, attempts=0, failed_at=None)
        audit_record(
            action="wire.send_again",
            actor=actor,
            obj=release,
            data=_facts(transmission)
            | {"previous_error": transmission.last_error[:2000]}
            | ({"step_up": evidence} if evidence else {}),
        )
        outbox.record(SEND, {"transmission_id": transmission.pk})
    transmission.refresh_from_db()
    return transmission


# -- the wire's answers ------------------------------------------------------------------------------------


def _accept(release, transmission, *, wire_id: str, source: str, actor, at: datetime) -> None:
    """The wire accepted the transmission at ``at``: with the wire, in time, the gate opens now."""
    if transmission.status not in {Status.SENDING, Status.SENT, Status.QUEUED, Status.FAILED}:
        return
    Transmission.objects.filter(pk=transmission.pk).update(
        status=Status.ACCEPTED, accepted_at=at, wire_id=wire_id or transmission.wire_id, last_error=""
    )
    transmission.refresh_from_db()
    wire = WireSettings.load()
    in_time = at <= transmission.hold_until - timedelta(minutes=wire.lead_minutes)
    opened = False
    if _current(release, transmission) and wire.policy == Policy.WITH_THE_WIRE:
        if in_time:
            opened = engine.open_gate(RELEASE, release, at=at)
        else:
            outbox.record(ALARM_MAIL, {"transmission_id": transmission.pk, "reason": "late"})
    _record_answer(
        "wire.accepted", release, transmission, actor, source, policy=wire.policy, in_time=in_time, gate_opened=opened
    )


def _confirm(release, transmission, *, crossed_at: datetime, wire_id: str, source: str, actor, step_up=None) -> None:
    """The wire's confirmation that the release crossed: the gate opens now (in either policy)."""
    now = timezone.now()
    Transmission.objects.filter(pk=transmission.pk).update(
        status=Status.CONFIRMED,
        confirmed_at=now,
        crossed_at=crossed_at,
        wire_id=wire_id or transmission.wire_id,
        confirmed_by=actor,
        confirmation_source=source,
        accepted_at=transmission.accepted_at or now,
    )
    transmission.refresh_from_db()
    opened = _current(release, transmission) and engine.open_gate(RELEASE, release, at=now)
    step_up_facts = {"step_up": step_up} if step_up else {}
    _record_answer(
        "wire.confirmed",
        release,
        transmission,
        actor,
        source,
        crossed_at=crossed_at.isoformat(),
        gate_opened=opened,
        **step_up_facts,
    )


def _record_answer(action: str, release, transmission, actor, source: str, **facts) -> None:
    """The audit entry of a wire's answer: the transmission, who or what recorded it, and what it did."""
    data = _facts(transmission) | {"source": source, "wire_id": transmission.wire_id} | facts
    audit_record(action=action, actor=actor, obj=release, data=data)


CONFIRMABLE = {Status.QUEUED, Status.SENDING, Status.SENT, Status.ACCEPTED, Status.FAILED}


def transmission_confirm(
    *, actor, transmission_id: int, crossed_at: datetime, wire_id: str = "", step_up: dict | None = None
) -> Transmission:
    """Staff record the wire's confirmation ("crossed at 16:05:02 ET, wire id ..."), read from the wire's
    notice. A transmission sent by hand after a failure is confirmed so too. It can make the release public,
    so it asks publishing's fresh second factor (``step_up``, the evidence), kept in the audit entry."""
    release_id = Transmission.objects.values_list("release_id", flat=True).get(pk=transmission_id)
    evidence = _require(actor, release_id, _("record the wire's confirmation"), action="wire.confirm", step_up=step_up)
    if crossed_at > timezone.now() + timedelta(minutes=1):
        raise TransitionNotAllowed(gettext("The time it crossed the wire cannot be in the future."))
    with transaction.atomic():
        release, transmission = _locked(transmission_id)
        if transmission.status not in CONFIRMABLE:
            raise TransitionNotAllowed(
                gettext("This transmission is %(state)s.") % {"state": transmission.get_status_display().lower()}
            )
        _confirm(
            release,
            transmission,
            crossed_at=crossed_at,
            wire_id=wire_id.strip(),
            source="staff",
            actor=actor,
            step_up=evidence,
        )
    transmission.refresh_from_db()
    return transmission


# -- the signed webhook ------------------------------------------------------------------------------------


class WebhookRefused(Exception):
    def __init__(self, reason: str, status: int):
        super().__init__(reason)
        self.status = status


WEBHOOK_EVENTS = {"accepted", "crossed", "rejected"}


def signature_for(body: bytes, timestamp: str, secret: str) -> str:
    """HMAC-SHA256 over ``<timestamp>.<body>`` with the shared secret, hex: what ``X-Wire-Signature`` carries
    after ``sha256=``."""
    return hmac.new(secret.encode("utf-8"), timestamp.encode("ascii") + b"." + body, hashlib.sha256).hexdigest()


def webhook_receive(*, body: bytes, timestamp: str, signature: str, client_ip: str | None) -> Transmission:
    """A call of the wire's signed webhook: verified (signature, timestamp window, never seen before), then
    the event applied, all in one transaction. A refusal changes nothing, is audited, and raises
    ``WebhookRefused`` with the status to answer."""
    secret = settings.WIRE_WEBHOOK_SECRET
    if not secret:
        raise WebhookRefused("no webhook secret is configured", 404)
    try:
        return _webhook_apply(body, timestamp, signature, secret)
    except WebhookRefused as refused:
        audit_record(
            action="wire.webhook_refused",
            actor=None,
            object_type="wire.transmission",
            data={
                "reason": str(refused),
                "client_ip": client_ip,
                "timestamp": timestamp[:40],
                "body_sha256": hashlib.sha256(body).hexdigest(),
            },
        )
        raise


def _webhook_apply(body: bytes, timestamp: str, signature: str, secret: str) -> Transmission:
    expected = signature_for(body, timestamp, secret) if timestamp.isascii() else ""
    given = signature.strip().removeprefix("sha256=")
    if not expected or not hmac.compare_digest(expected, given):
        raise WebhookRefused("bad signature", 401)
    try:
        sent_at = datetime.fromtimestamp(int(timestamp), tz=UTC)
    except (ValueError, OverflowError, OSError):
        raise WebhookRefused("unreadable timestamp", 400) from None
    if abs((timezone.now() - sent_at).total_seconds()) > settings.WIRE_WEBHOOK_TOLERANCE_SECONDS:
        raise WebhookRefused("timestamp outside the accepted window", 401)
    try:
        event = json.loads(body)
        kind, reference = event["event"], str(event["reference"])
    except (ValueError, KeyError, TypeError):
        raise WebhookRefused("unreadable body", 400) from None
    if kind not in WEBHOOK_EVENTS:
        raise WebhookRefused(f"unknown event {str(kind)[:40]!r}", 400)
    transmission_id = Transmission.objects.filter(reference=_uuid(reference)).values_list("pk", flat=True).first()
    if transmission_id is None:
        raise WebhookRefused("unknown transmission", 404)
    try:
        with transaction.atomic():
            WebhookReceipt.objects.create(signature=expected)
            release, transmission = _locked(transmission_id)
            wire_id = str(event.get("wire_id") or "")[:120]
            if kind == "accepted":
                _accept(release, transmission, wire_id=wire_id, source="webhook", actor=None, at=timezone.now())
            elif kind == "crossed":
                if transmission.status not in CONFIRMABLE:
                    raise WebhookRefused(f"the transmission is {transmission.status}", 409)
                crossed_at = _parse_time(event.get("at")) or timezone.now()
                _confirm(release, transmission, crossed_at=crossed_at, wire_id=wire_id, source="webhook", actor=None)
            else:
                reason = str(event.get("reason") or "no reason given")[:1000]
                _mark_failed(release, transmission, f"The wire rejected it: {reason}")
    except IntegrityError:
        raise WebhookRefused("replayed call", 409) from None
    return Transmission.objects.get(pk=transmission_id)


def _uuid(value: str):
    import uuid

    try:
        return uuid.UUID(value)
    except ValueError:
        return None


def _parse_time(value) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else None


# -- alarms ------------------------------------------------------------------------------------------------


def _current_transmissions():
    """Transmissions a held release's gate waits for (its approved revision at its embargo)."""
    return Transmission.objects.filter(
        release__status=State.APPROVED,
        release__held=True,
        release__gate_opens_at__isnull=True,
        release__publish_at=F("hold_until"),
        release__approved_revision__number=F("revision_number"),
    )


def not_accepted_transmissions():
    """Transmissions a held release's gate waits for, which the wire has not accepted."""
    return _current_transmissions().filter(status__in=[Status.QUEUED, Status.SENDING, Status.SENT, Status.FAILED])


def raise_alarms(now: datetime) -> list[int]:
    """The sweep's part: each alarm once. Ten minutes before the embargo with no acceptance from the wire;
    at the embargo, a release the website holds because the wire has not accepted (in time) or confirmed;
    and a release changed after the wire received it, while the wire still holds that revision."""
    raised = []
    soon = not_accepted_transmissions().filter(hold_until__lte=now + ALARM_BEFORE, alarm_soon_at__isnull=True)
    held = _current_transmissions().filter(
        hold_until__lte=now, alarm_held_at__isnull=True, status__in=[*CONFIRMABLE - {Status.CONFIRMED}]
    )
    stale = stale_transmissions(now).filter(alarm_held_at__isnull=True)
    alarms = (
        (soon, "alarm_soon_at", "not_accepted"),
        (held, "alarm_held_at", "held"),
        (stale, "alarm_held_at", "stale"),
    )
    for queryset, field, reason in alarms:
        for pk in queryset.values_list("pk", flat=True)[:200]:
            with transaction.atomic():
                if not Transmission.objects.filter(pk=pk, **{f"{field}__isnull": True}).update(**{field: now}):
                    continue
                transmission = Transmission.objects.select_related("release", "exhibit").get(pk=pk)
                audit_record(
                    action="wire.alarm",
                    obj=transmission.release,
                    data=_facts(transmission) | {"reason": reason, "status": transmission.status},
                )
                outbox.record(ALARM_MAIL, {"transmission_id": pk, "reason": reason})
            raised.append(pk)
    return raised


def stale_transmissions(now: datetime):
    """What the wire received and holds for a later release, of a release that has changed since (back to
    draft, or approved again without a new transmission yet): the wire could carry words no longer approved."""
    return Transmission.objects.filter(status__in=[Status.SENT, Status.ACCEPTED], hold_until__gt=now).exclude(
        release__status=State.APPROVED,
        release__publish_at=F("hold_until"),
        release__approved_revision__number=F("revision_number"),
    )


def oldest_alarm_due(now: datetime) -> datetime | None:
    due = _current_transmissions().filter(alarm_soon_at__isnull=True, hold_until__lte=now + ALARM_BEFORE)
    moment = due.order_by("hold_until").values_list("hold_until", flat=True).first()
    return moment - ALARM_BEFORE if moment else None


ALARM_TEXT = {
    "not_accepted": _("The embargo is less than ten minutes away and the wire has not accepted the release."),
    "held": _("The embargo has passed and the website holds the release: the wire has not confirmed it crossed."),
    "late": _(
        "The wire accepted the release too close to the embargo for the website to go with the wire: the website "
        "holds it until the wire confirms it crossed."
    ),
    "failed": _("The transmission to the wire failed; it waits for someone to send it again."),
    "stale": _(
        "The release changed after the wire received it, and the wire holds that revision for release: ask the wire "
        "to kill it, or approve the new revision (its transmission replaces it)."
    ),
}


def alarm_recipients(release: Release) -> list[str]:
    """The approvers of the release's approved revision, and every IR Admin."""
    user_model = get_user_model()
    approvers = Approval.objects.filter(
        content_type__app_label="releases", content_type__model="release", object_id=release.pk
    ).order_by("-created_at")
    approver_ids = list(approvers.values_list("approver_id", flat=True)[:10])
    people = user_model.objects.filter(is_active=True).filter(pk__in=approver_ids) | user_model.objects.filter(
        is_active=True, groups__name=IR_ADMIN
    )
    return sorted({person.email for person in people if person.email})


def send_alarm_mail(payload: dict) -> int:
    """The outbox's ``wire.alarm_mail``."""
    transmission = Transmission.objects.select_related("release").get(pk=payload["transmission_id"])
    release = transmission.release
    text = ALARM_TEXT.get(payload["reason"], payload["reason"])
    subject = f"[IR Portal] Newswire alarm: {release.headline}"[:200]
    body = (
        f"{text}\n\nRelease: {release.headline}\nEmbargo: {_local(transmission.hold_until)}\n"
        f"Transmission: {transmission.get_status_display()}"
        + (f" ({transmission.last_error})" if transmission.last_error else "")
        + f"\n\nOpen it in the staff console:\n{settings.SITE_URL.rstrip('/')}{release.get_staff_url()}\n"
    )
    return send_mass_mail([(subject, body, None, [address]) for address in alarm_recipients(release)])


# -- the company's settings --------------------------------------------------------------------------------


def wire_settings_update(*, actor, **fields) -> WireSettings:
    """The IR Admin's change of the company's wire settings (account, policy, minutes), audited."""
    if actor is None or not actor.has_perm("wire.change_wiresettings"):
        reason = _("Your role does not allow you to change the newswire settings.")
        audit_record(
            action="security.permission_denied", actor=actor, data={"change": "wire.settings", "reason": reason}
        )
        raise WorkflowPermissionDenied(reason)
    with transaction.atomic():
        settings_row = WireSettings.load()
        before = {name: getattr(settings_row, name) for name in fields}
        for name, value in fields.items():
            setattr(settings_row, name, value)
        settings_row.save()
        audit_record(
            action="wire.settings_update",
            actor=actor,
            object_type="wire.wiresettings",
            object_id="1",
            changes={
                name: {"before": before[name], "after": value}
                for name, value in fields.items()
                if before[name] != value
            },
        )
    return settings_row
