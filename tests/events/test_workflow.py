from datetime import timedelta

import pytest
import time_machine

from events.models import Event, ReplayStatus
from events.services import EventError, event_cancel, event_replay_url_set, event_replay_window_change, event_update
from events.workflow import event_approve, event_submit
from irportal.audit.models import AuditEntry
from irportal.workflow.engine import TransitionNotAllowed, WorkflowPermissionDenied
from irportal.workflow.models import State
from irportal.workflow.sweep import run_sweep
from tests.conftest import in_parallel, is_postgres
from tests.events.builders import START, make_event, published
from tests.factories import UserFactory, enrol_totp, fresh_step_up

pytestmark = pytest.mark.django_db

END = START + timedelta(minutes=45)


def actions(event, prefix="event.replay"):
    entries = AuditEntry.objects.for_object(event).order_by("sequence")
    return [entry.action for entry in entries if entry.action.startswith(prefix)]


def test_the_replay_follows_the_end_of_the_event_and_the_company_window(author, company):
    event = make_event(author)
    assert (event.replay_available_at, event.replay_days) == (END, 7)
    assert event.replay_expires_at == END + timedelta(days=7)


@pytest.mark.parametrize(
    ("missing", "problem"),
    [
        ({"starts_at": None, "ends_at": None}, "the date and time of the event are missing"),
        ({"webcast_url": ""}, "the webcast access link is missing"),
    ],
)
def test_the_disclosure_check_blocks_approval_and_says_what_is_missing(author, approver, company, missing, problem):
    event = make_event(author, **missing)
    event_submit(event_id=event.pk, actor=author)
    with pytest.raises(TransitionNotAllowed, match=problem):
        event_approve(event_id=event.pk, actor=approver)
    assert Event.objects.get(pk=event.pk).status == State.IN_REVIEW


def test_setting_the_replay_link_is_audited_and_needs_no_new_approval(author, approver, company):
    event = published(make_event(author), author, approver)
    event = event_replay_url_set(actor=approver, pk=event.pk, replay_url="https://replay.example/hlvi/winter")
    assert (event.status, event.live_revision_id) == (State.PUBLISHED, event.approved_revision_id)
    entry = AuditEntry.objects.get(action="event.replay_url_change")
    assert entry.changes["replay_url"] == {"before": "", "after": "https://replay.example/hlvi/winter"}


def test_setting_when_the_replay_arrives_moves_its_window_with_it(author, company):
    event = make_event(author)
    arrives = END + timedelta(hours=3)
    event = event_replay_url_set(actor=author, pk=event.pk, replay_url="https://r.example/1", available_at=arrives)
    assert (event.replay_available_at, event.replay_expires_at) == (arrives, arrives + timedelta(days=7))
    event = event_update(actor=author, pk=event.pk, base_version=event.version, ends_at=END + timedelta(minutes=30))
    assert event.replay_available_at == arrives


def test_a_replay_link_that_is_not_http_is_refused(author, company):
    event = make_event(author)
    with pytest.raises(EventError, match="http"):
        event_replay_url_set(actor=author, pk=event.pk, replay_url="javascript:alert(1)")
    assert Event.objects.get(pk=event.pk).replay_url == ""


def test_changing_the_window_needs_a_reason_and_keeps_it(author, approver, company):
    event = published(make_event(author), author, approver)
    with pytest.raises(EventError, match="reason"):
        event_replay_window_change(actor=approver, pk=event.pk, days=14, reason=" ")
    event = event_replay_window_change(actor=approver, pk=event.pk, days=14, reason="Conference asked for two weeks")
    assert event.replay_expires_at == END + timedelta(days=14)
    assert event.status == State.PUBLISHED
    entry = AuditEntry.objects.get(action="event.replay_window_change")
    assert entry.data == {"reason": "Conference asked for two weeks"}
    assert entry.changes["replay_days"] == {"before": 7, "after": 14}


@pytest.mark.parametrize("days", [0, 366])
def test_a_window_of_zero_or_over_a_year_is_refused(author, company, days):
    event = make_event(author)
    with pytest.raises(EventError, match="between 1 and 365"):
        event_replay_window_change(actor=author, pk=event.pk, days=days, reason="test")


def test_an_author_cannot_cancel_and_the_refusal_is_recorded(author, approver, company):
    event = published(make_event(author), author, approver)
    with pytest.raises(WorkflowPermissionDenied):
        event_cancel(actor=author, pk=event.pk, reason="Conference postponed")
    assert AuditEntry.objects.filter(action="security.permission_denied", object_id=str(event.pk)).exists()


def test_cancelling_a_published_event_keeps_it_public_and_audited(author, approver, company):
    event = published(make_event(author), author, approver)
    with pytest.raises(EventError, match="reason"):
        event_cancel(actor=approver, pk=event.pk, reason="")
    event = event_cancel(actor=approver, pk=event.pk, reason="The conference was called off")
    assert Event.objects.public(START).filter(pk=event.pk).exists()
    assert AuditEntry.objects.get(action="event.cancel").data["reason"] == "The conference was called off"


def _with_replay(author, approver, **overrides):
    event = published(make_event(author, **overrides), author, approver)
    return event_replay_url_set(actor=approver, pk=event.pk, replay_url="https://replay.example/hlvi")


def test_the_sweep_publishes_then_expires_the_replay_once_each_as_the_system(author, approver, company):
    event = _with_replay(author, approver)
    assert run_sweep(END - timedelta(seconds=1))["events.replay_publish"] == []
    assert run_sweep(END)["events.replay_publish"] == [event.pk]
    assert run_sweep(END)["events.replay_publish"] == []
    assert Event.objects.get(pk=event.pk).replay_status == ReplayStatus.AVAILABLE
    expires = END + timedelta(days=7)
    assert run_sweep(expires - timedelta(seconds=1))["events.replay_expire"] == []
    assert run_sweep(expires)["events.replay_expire"] == [event.pk]
    assert run_sweep(expires + timedelta(hours=1)) == {
        "events.publish": [],
        "events.replay_expire": [],
        "events.replay_publish": [],
        "governance.committees": [],
        "governance.people": [],
        "packages.publish": [],
        "releases.publish": [],
        "reports.publish": [],
        "wire.alarms": [],
    }
    event.refresh_from_db()
    assert (event.replay_status, event.replay_published_at, event.replay_expired_at) == ("expired", END, expires)
    assert actions(event) == ["event.replay_url_change", "event.replay_publish", "event.replay_expire"]
    for entry in AuditEntry.objects.filter(action__in=["event.replay_publish", "event.replay_expire"]):
        assert (entry.actor_id, entry.actor_label) == (None, "system")


def test_the_sweep_does_not_publish_a_replay_without_a_link_or_of_an_unpublished_event(author, approver, company):
    no_link = published(make_event(author), author, approver)
    draft = make_event(author, replay_url="https://replay.example/draft")
    assert run_sweep(END)["events.replay_publish"] == []
    assert {no_link.replay_status, draft.replay_status} == {ReplayStatus.PENDING}


def test_a_window_extended_after_expiry_brings_the_replay_back_through_the_sweep(author, approver, company):
    event = _with_replay(author, approver)
    run_sweep(END)
    later = END + timedelta(days=8)
    run_sweep(later)
    with time_machine.travel(later, tick=False):
        event_replay_window_change(actor=approver, pk=event.pk, days=14, reason="Investor day follow-up")
    assert run_sweep(later)["events.replay_publish"] == [event.pk]
    assert actions(event)[-3:] == ["event.replay_expire", "event.replay_window_change", "event.replay_publish"]


def test_the_sweep_publishes_an_approved_event_whose_time_has_come(author, approver, company):
    event = make_event(author)
    event_submit(event_id=event.pk, actor=author)
    at = START - timedelta(days=5)
    event_approve(event_id=event.pk, actor=approver, publish_at=at)
    assert run_sweep(at)["events.publish"] == [event.pk]
    assert Event.objects.get(pk=event.pk).status == State.PUBLISHED


@pytest.mark.django_db(transaction=True)
def test_two_sweeps_in_parallel_change_each_replay_exactly_once(approval_step, company):
    if not is_postgres():
        pytest.skip("parallel sweeps are exercised on PostgreSQL")
    from irportal.accounts.roles import IR_APPROVER, IR_AUTHOR

    author, approver = UserFactory(roles=[IR_AUTHOR]), UserFactory(roles=[IR_APPROVER])
    events = [_with_replay(author, approver) for _ in range(10)]
    results = in_parallel(*[lambda: run_sweep(END)["events.replay_publish"]] * 2)
    assert sorted(results[0] + results[1]) == sorted(event.pk for event in events)
    assert AuditEntry.objects.filter(action="event.replay_publish").count() == 10


def test_a_replay_never_published_is_not_expired_when_its_window_closes(author, approver, company):
    no_link = published(make_event(author), author, approver)
    draft = make_event(author, replay_url="https://replay.example/draft")
    expires = END + timedelta(days=7)
    assert run_sweep(expires)["events.replay_expire"] == []
    for event in (no_link, draft):
        event.refresh_from_db()
        assert (event.replay_status, event.replay_expired_at) == (ReplayStatus.PENDING, None)
        assert actions(event) == []
    # A link and a longer window given afterwards still bring the replay up.
    with time_machine.travel(expires, tick=False):
        event_replay_url_set(actor=approver, pk=no_link.pk, replay_url="https://replay.example/late")
        event_replay_window_change(actor=approver, pk=no_link.pk, days=14, reason="The recording came late")
    assert run_sweep(expires)["events.replay_publish"] == [no_link.pk]


def test_a_sweep_that_started_before_the_expiry_cannot_publish_the_replay_again_after_it(author, approver, company):
    """Two sweeps overlap: the older one (started a second before the window closed) runs its publication
    part after the newer one has expired the replay."""
    from events.workflow import events_replay_publish_due

    event = _with_replay(author, approver)
    run_sweep(END)
    expires = END + timedelta(days=7)
    assert run_sweep(expires)["events.replay_expire"] == [event.pk]
    assert events_replay_publish_due(expires - timedelta(seconds=1)) == []
    event.refresh_from_db()
    assert (event.replay_status, event.replay_expired_at) == (ReplayStatus.EXPIRED, expires)
    assert actions(event) == ["event.replay_url_change", "event.replay_publish", "event.replay_expire"]


def test_a_live_events_replay_link_needs_publishings_authority_and_a_fresh_factor(author, approver, company):
    """What the public sees on a published event changes only with the authority and step-up publishing needs."""
    event = published(make_event(author), author, approver)
    with pytest.raises(WorkflowPermissionDenied):
        event_replay_url_set(actor=author, pk=event.pk, replay_url="https://attacker.example/replay")
    with pytest.raises(WorkflowPermissionDenied):
        event_replay_url_set(actor=author, pk=event.pk, replay_url="")  # clearing it is a change too
    with pytest.raises(WorkflowPermissionDenied):
        event_replay_window_change(actor=author, pk=event.pk, days=1, reason="shorter")
    enrol_totp(approver)
    with pytest.raises(WorkflowPermissionDenied, match="second factor"):
        event_replay_url_set(actor=approver, pk=event.pk, replay_url="https://replay.example/hlvi")
    assert Event.objects.get(pk=event.pk).replay_url == ""
    refusals = AuditEntry.objects.filter(action="security.permission_denied", object_id=str(event.pk))
    assert refusals.count() == 4
    event_replay_url_set(actor=approver, pk=event.pk, replay_url="https://replay.example/hlvi", step_up=fresh_step_up())
    entry = AuditEntry.objects.get(action="event.replay_url_change")
    assert entry.data["step_up"]["factor"] == "totp"


def test_an_unpublished_events_replay_link_stays_the_authors_to_set(author, company):
    event = make_event(author)
    event = event_replay_url_set(actor=author, pk=event.pk, replay_url="https://replay.example/hlvi")
    assert event.replay_url == "https://replay.example/hlvi"


def test_cancelling_an_event_needs_a_fresh_factor_from_whoever_has_one(author, approver, company):
    event = published(make_event(author), author, approver)
    enrol_totp(approver)
    with pytest.raises(WorkflowPermissionDenied, match="second factor"):
        event_cancel(actor=approver, pk=event.pk, reason="Called off")
    assert not Event.objects.get(pk=event.pk).is_cancelled
    event_cancel(actor=approver, pk=event.pk, reason="Called off", step_up=fresh_step_up())
    assert AuditEntry.objects.get(action="event.cancel").data["step_up"]["factor"] == "totp"
