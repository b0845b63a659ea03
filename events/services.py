"""Creating and editing events, and the operational changes kept outside the approved revision.

Content edits make a new revision and hand their state consequences to the
workflow engine (an edit of an approved event sends it back to draft).
Cancelling, and setting the replay link or window, change the row only: each
is audited with its before and after, and none needs a new approval. But on
an event the public can read, the replay link and window are what the public
sees: changing them needs the authority publishing needs (the publish
permission) and a fresh second factor, as does cancelling any event.
"""

from datetime import datetime
from urllib.parse import urlsplit

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext, ngettext

from company.models import CompanyProfile
from events.content import event_content, instant
from events.models import MAX_REPLAY_DAYS, Event
from events.workflow import EVENT, record_change
from irportal.audit.services import audit_record, diff_fields
from irportal.workflow import engine
from irportal.workflow.engine import EditConflict, WorkflowError

CONTENT_FIELDS = (
    "slug",
    "title",
    "kind",
    "organizer",
    "starts_at",
    "ends_at",
    "time_zone",
    "location",
    "presenters",
    "webcast_url",
    "description",
    "publish_at",
    "translations",
)


class EventError(WorkflowError):
    """A change that cannot be made; the message is written for the person who tried."""


def _check_http_url(url: str, what: str) -> None:
    """``what`` names the link as a sentence begins with it (``The webcast link``)."""
    if url and urlsplit(url).scheme not in ("http", "https"):
        raise EventError(gettext("%(what)s must be an http:// or https:// address.") % {"what": what})


def _check_replay_days(days: int) -> None:
    if not isinstance(days, int) or not 1 <= days <= MAX_REPLAY_DAYS:
        raise EventError(gettext("The replay window must be between 1 and %(max)s days.") % {"max": MAX_REPLAY_DAYS})


def _replay_snapshot(event: Event) -> dict:
    return {
        "replay_url": event.replay_url,
        "replay_available_at": event.replay_available_at,
        "replay_available_at_fixed": event.replay_available_at_fixed,
        "replay_days": event.replay_days,
        "replay_expires_at": event.replay_expires_at,
    }


def _check_replay_fits(event: Event) -> None:
    problem = event.replay_timing_problem()
    if problem:
        raise EventError(problem)


def _presenters(presenters) -> list[dict]:
    return [
        {"name": p["name"].strip(), "title": p.get("title", "").strip()}
        for p in presenters or []
        if p.get("name", "").strip()
    ]


def _apply(event: Event, fields: dict) -> None:
    for name, value in fields.items():
        if name not in CONTENT_FIELDS:
            raise ValueError(f"{name} is not an editable event field")
        setattr(event, name, value)
    if event.starts_at and event.ends_at and event.ends_at < event.starts_at:
        raise EventError(gettext("The event cannot end before it starts."))
    _check_http_url(event.webcast_url, gettext("The webcast link"))
    event.presenters = _presenters(event.presenters)
    event.translations = {
        language: text | ({"presenters": _presenters(text["presenters"])} if "presenters" in text else {})
        for language, text in (event.translations or {}).items()
    }
    event.full_clean(exclude=["created_by", "last_edited_by"])
    event.schedule_replay()
    _check_replay_fits(event)
    event.save()


def event_create(*, actor, replay_days: int | None = None, replay_url: str = "", **fields) -> Event:
    """A new draft event; the replay window defaults to the company's."""
    engine.require_permission(EVENT, actor=actor, verb="add")
    replay_days = CompanyProfile.load().default_replay_days if replay_days is None else replay_days
    _check_replay_days(replay_days)
    _check_http_url(replay_url, gettext("The replay link"))
    with transaction.atomic():
        event = Event(created_by=actor, last_edited_by=actor, replay_days=replay_days, replay_url=replay_url)
        _apply(event, fields)
        engine.save_first_revision(
            EVENT,
            event,
            actor=actor,
            content_of=event_content,
            other_changes=lambda: diff_fields({}, _replay_snapshot(event)),
        )
        record_change(event.pk, "create")
    return event


def _locked(pk: int) -> Event:
    return Event.objects.select_for_update().get(pk=pk)


def _permitted(actor, verb: str, pk: int) -> None:
    """Checked before the transaction, so that the audited refusal is kept."""
    engine.require_permission(EVENT, actor=actor, verb=verb, pk=pk)


def event_update(*, actor, pk: int, base_version: int | None, **fields) -> Event:
    """Save the author's edit as a new working revision; ``base_version`` is the revision the form showed."""
    _permitted(actor, "change", pk)
    with transaction.atomic():
        event = _locked(pk)
        if base_version is not None and event.version != base_version:
            raise EditConflict(event)
        return _save_edit(event, actor=actor, action="event.edit", fields=fields)


def event_restore(*, actor, pk: int, number: int) -> Event:
    """Make an older revision's content the working copy again, as a new revision."""
    _permitted(actor, "change", pk)
    with transaction.atomic():
        event = _locked(pk)
        content = event.revisions.get(number=number).content
        fields = {name: content[name] for name in CONTENT_FIELDS if name in content}
        fields.update(starts_at=instant(content["starts_at"]), ends_at=instant(content["ends_at"]))
        fields["translations"] = content.get("translations", {})
        return _save_edit(
            event,
            actor=actor,
            action="event.restore",
            fields=fields,
            note=f"Restored from revision {number}",
            data={"restored_from": number},
        )


def _save_edit(event: Event, *, actor, action: str, fields: dict, note: str = "", data: dict | None = None) -> Event:
    """Apply an edit under the row lock; a new revision (and its audit entry) only when the content changed."""
    replay_before = _replay_snapshot(event)
    fields = engine.keep_published_address(event, fields)
    if engine.save_working_copy(
        EVENT,
        event,
        actor=actor,
        action=action,
        apply=lambda: _apply(event, fields),
        content_of=event_content,
        note=note,
        data=data,
        other_changes=lambda: diff_fields(replay_before, _replay_snapshot(event)),
    ):
        record_change(event.pk, action.removeprefix("event."))
    return event


def _authority_for_replay(actor, pk: int, step_up: dict | None, action: str) -> tuple[bool, dict | None]:
    """Who may change the replay of event ``pk``: its authors while the public cannot read it; once it is
    public, those who may publish it, with a fresh second factor. Checked before the transaction, so that
    the audited refusal is kept. Answers whether the event was public and the step-up evidence to audit."""
    if not Event.objects.filter(pk=pk, live_revision__isnull=False).exists():
        _permitted(actor, "change", pk)
        return False, None
    _permitted(actor, "publish", pk)
    return True, engine.require_step_up(EVENT, actor=actor, step_up=step_up, action=action, pk=pk)


def _still_as_checked(event: Event, was_public: bool) -> None:
    if event.live_revision_id is not None and not was_public:
        raise EventError(
            gettext("The event went public while you were changing it; open it again and repeat the change.")
        )


def _operational_change(event: Event, *, actor, action: str, before: dict, data: dict) -> Event:
    event.save()
    audit_record(action=action, actor=actor, obj=event, changes=diff_fields(before, _replay_snapshot(event)), data=data)
    record_change(event.pk, action.removeprefix("event."))
    return event


def event_replay_url_set(
    *, actor, pk: int, replay_url: str, available_at: datetime | None = None, step_up: dict | None = None
) -> Event:
    """Set or change the replay link and when it becomes available: ``available_at``, or without it the end of
    the event (so clearing a time set earlier makes the replay follow the event again)."""
    replay_url = (replay_url or "").strip()
    _check_http_url(replay_url, gettext("The replay link"))
    was_public, evidence = _authority_for_replay(actor, pk, step_up, "replay_url_change")
    with transaction.atomic():
        event = _locked(pk)
        _still_as_checked(event, was_public)
        before = _replay_snapshot(event)
        event.replay_url = replay_url
        event.replay_available_at_fixed = available_at is not None
        if available_at is not None:
            event.replay_available_at = available_at
        event.schedule_replay()
        _check_replay_fits(event)
        if _replay_snapshot(event) == before:
            return event
        return _operational_change(
            event, actor=actor, action="event.replay_url_change", before=before, data=_step_up_data(evidence)
        )


def _step_up_data(evidence: dict | None) -> dict:
    return {"step_up": evidence} if evidence else {}


def event_replay_window_change(*, actor, pk: int, days: int, reason: str, step_up: dict | None = None) -> Event:
    """Extend or shorten how long the replay stays public; the reason is kept with the audit entry."""
    _check_replay_days(days)
    if not (reason or "").strip():
        raise EventError(gettext("Give the reason for changing the replay window: it is kept with the record."))
    was_public, evidence = _authority_for_replay(actor, pk, step_up, "replay_window_change")
    with transaction.atomic():
        event = _locked(pk)
        _still_as_checked(event, was_public)
        before = _replay_snapshot(event)
        if days == event.replay_days:
            raise EventError(
                ngettext(
                    "The replay window is already %(days)s day.", "The replay window is already %(days)s days.", days
                )
                % {"days": days}
            )
        event.replay_days = days
        event.schedule_replay()
        _check_replay_fits(event)
        return _operational_change(
            event,
            actor=actor,
            action="event.replay_window_change",
            before=before,
            data={"reason": reason.strip(), **_step_up_data(evidence)},
        )


def event_cancel(*, actor, pk: int, reason: str, step_up: dict | None = None) -> Event:
    """Mark the event cancelled: a published one stays on the public pages, marked cancelled. A fresh second
    factor first, from whoever has one."""
    if not (reason or "").strip():
        raise EventError(gettext("Give the reason for the cancellation: it is kept with the record."))
    _permitted(actor, "cancel", pk)
    evidence = engine.require_step_up(EVENT, actor=actor, step_up=step_up, action="cancel", pk=pk)
    with transaction.atomic():
        event = _locked(pk)
        if event.is_cancelled:
            raise EventError(gettext("This event is already cancelled."))
        if event.status == "withdrawn":
            raise EventError(gettext("A withdrawn event is kept as it was; it cannot be cancelled."))
        event.cancelled_at = timezone.now()
        event.cancelled_reason = reason.strip()
        event.save(update_fields=["cancelled_at", "cancelled_reason", "updated_at"])
        audit_record(
            action="event.cancel",
            actor=actor,
            obj=event,
            changes={"cancelled_at": {"before": None, "after": event.cancelled_at.isoformat()}},
            data={"reason": event.cancelled_reason, "was_public": event.is_live, **_step_up_data(evidence)},
        )
        record_change(event.pk, "cancel")
    return event
