import datetime as dt

import pytest
import time_machine
from django.contrib.auth.models import Group
from django.utils import timezone, translation

from irportal.accounts.roles import COMPLIANCE_REVIEWER, IR_ADMIN, IR_APPROVER, IR_AUTHOR
from irportal.audit.models import AuditEntry
from irportal.workflow import engine
from irportal.workflow.engine import TransitionNotAllowed, WorkflowError, WorkflowPermissionDenied
from irportal.workflow.models import Approval, ApprovalStep, Comment, Publication, State
from irportal.workflow.sweep import run_sweep
from releases.checks import CODES as EVERY_WARNING
from releases.models import Release
from releases.services import release_update
from releases.workflow import (
    RELEASE,
    release_approve,
    release_publish,
    release_request_changes,
    release_schedule,
    release_submit,
    release_withdraw,
)
from tests.conftest import in_parallel, is_postgres
from tests.factories import UserFactory, make_release, release_fields, shown_revision

pytestmark = pytest.mark.django_db


@pytest.fixture
def author():
    return UserFactory(roles=[IR_AUTHOR])


@pytest.fixture
def approver():
    return UserFactory(roles=[IR_APPROVER])


@pytest.fixture
def release(author):
    return make_release(author)


def fresh(user):
    """The user as the next request sees them (permissions are cached per instance)."""
    return type(user).objects.get(pk=user.pk)


def approved(release, author, approver, publish_at=None):
    release_submit(release_id=release.pk, actor=author)
    return release_approve(acknowledged=EVERY_WARNING, release_id=release.pk, actor=approver, publish_at=publish_at)


def actions(release):
    return list(AuditEntry.objects.for_object(release).order_by("sequence").values_list("action", flat=True))


def test_submit_puts_the_release_in_review_at_the_first_step(release, author):
    release = release_submit(release_id=release.pk, actor=author)
    assert release.status == State.IN_REVIEW
    assert release.current_step.name == "IR review"
    assert actions(release) == ["release.create", "release.submit"]


def test_the_author_cannot_approve_their_own_release_and_the_refusal_is_recorded(release, author):
    author.groups.add(Group.objects.get(name=IR_APPROVER))
    author = fresh(author)
    release_submit(release_id=release.pk, actor=author)
    with pytest.raises(WorkflowPermissionDenied, match="someone else"):
        release_approve(acknowledged=EVERY_WARNING, release_id=release.pk, actor=author)
    assert Release.objects.get(pk=release.pk).status == State.IN_REVIEW
    denial = AuditEntry.objects.get(action="security.permission_denied")
    assert (denial.actor_id, denial.object_id, denial.data["transition"]) == (author.pk, str(release.pk), "approve")


def test_a_refusal_in_a_french_request_is_recorded_in_the_primary_language(release, author):
    compliance = UserFactory(roles=[COMPLIANCE_REVIEWER])
    with translation.override("fr"), pytest.raises(WorkflowPermissionDenied) as refused:
        release_submit(release_id=release.pk, actor=compliance)
    denial = AuditEntry.objects.get(action="security.permission_denied")
    assert denial.data["reason"] == "Your role does not allow you to submit a release."
    with translation.override("en"):
        assert str(refused.value) == denial.data["reason"]


def test_the_last_editor_cannot_approve(release, author, approver):
    approver.groups.add(Group.objects.get(name=IR_AUTHOR))
    approver = fresh(approver)
    release_update(actor=approver, pk=release.pk, base_version=release.version, headline="Edited by the approver")
    release_submit(release_id=release.pk, actor=author)
    with pytest.raises(WorkflowPermissionDenied):
        release_approve(acknowledged=EVERY_WARNING, release_id=release.pk, actor=approver)


def test_a_superuser_who_wrote_it_cannot_approve_it_either():
    boss = UserFactory(is_superuser=True, roles=[IR_APPROVER])
    release = make_release(boss)
    release_submit(release_id=release.pk, actor=boss)
    with pytest.raises(WorkflowPermissionDenied):
        release_approve(acknowledged=EVERY_WARNING, release_id=release.pk, actor=boss)


def test_request_for_changes_needs_a_comment(release, author, approver):
    release_submit(release_id=release.pk, actor=author)
    with pytest.raises(WorkflowError, match="comment is required"):
        release_request_changes(release_id=release.pk, actor=approver, comment="  ")
    release = release_request_changes(release_id=release.pk, actor=approver, comment="Fix the margin figure")
    assert release.status == State.DRAFT
    assert Comment.objects.get().kind == Comment.Kind.CHANGES_REQUESTED


def test_approval_stores_the_hash_of_the_revision_it_covers(release, author, approver):
    release = approved(release, author, approver)
    assert release.status == State.APPROVED
    revision = release.revisions.get(number=release.version)
    assert release.approved_revision == revision
    assert Approval.objects.get().content_hash == revision.content_hash


def test_two_steps_are_approved_in_order_by_different_people(release, author, approver):
    legal = Group.objects.create(name="Legal")
    ApprovalStep.objects.create(name="Legal review", group=legal, order=2)
    lawyer = UserFactory(roles=[IR_APPROVER])
    lawyer.groups.add(legal)
    approver.groups.add(legal)
    release_submit(release_id=release.pk, actor=author)
    release = release_approve(acknowledged=EVERY_WARNING, release_id=release.pk, actor=approver)
    assert (release.status, release.current_step.name) == (State.IN_REVIEW, "Legal review")
    with pytest.raises(WorkflowPermissionDenied, match="Only members of Legal"):
        release_approve(acknowledged=EVERY_WARNING, release_id=release.pk, actor=UserFactory(roles=[IR_APPROVER]))
    with pytest.raises(WorkflowPermissionDenied, match="earlier step"):
        release_approve(acknowledged=EVERY_WARNING, release_id=release.pk, actor=approver)
    release = release_approve(acknowledged=EVERY_WARNING, release_id=release.pk, actor=lawyer)
    assert release.status == State.APPROVED
    assert Approval.objects.count() == 2


def test_editing_an_approved_release_sends_it_back_to_draft(release, author, approver):
    release = approved(release, author, approver)
    release = release_update(actor=author, pk=release.pk, base_version=release.version, headline="A new headline")
    assert release.status == State.DRAFT
    assert release.approved_revision is None
    entry = AuditEntry.objects.filter(action="release.edit").get()
    assert entry.changes["status"] == {"before": "approved", "after": "draft"}
    assert entry.changes["headline"]["after"] == "A new headline"


def test_publish_now_makes_the_approved_revision_live(release, author, approver):
    release = approved(release, author, approver)
    release = release_publish(release_id=release.pk, actor=approver)
    assert release.status == State.PUBLISHED
    assert release.live_revision == release.approved_revision
    assert Publication.objects.get().content_hash == Approval.objects.get().content_hash


def test_withdrawal_needs_a_reason_and_keeps_the_record(release, author, approver):
    approved(release, author, approver)
    release_publish(release_id=release.pk, actor=approver)
    with pytest.raises(WorkflowError, match="reason"):
        release_withdraw(release_id=release.pk, actor=approver, reason="")
    release = release_withdraw(release_id=release.pk, actor=approver, reason="Issued in error")
    assert (release.status, release.withdrawn_reason) == (State.WITHDRAWN, "Issued in error")
    assert release.live_revision is not None


@pytest.mark.parametrize(
    ("transition", "call"),
    [
        ("approve", lambda r, a: release_approve(acknowledged=EVERY_WARNING, release_id=r.pk, actor=a)),
        ("publish", lambda r, a: release_publish(release_id=r.pk, actor=a)),
        ("withdraw", lambda r, a: release_withdraw(release_id=r.pk, actor=a, reason="x")),
    ],
)
def test_transitions_out_of_their_state_are_refused(release, approver, transition, call):
    with pytest.raises(TransitionNotAllowed):
        call(release, approver)
    assert Release.objects.get(pk=release.pk).status == State.DRAFT


def test_allowed_transitions_are_what_the_buttons_show(release, author, approver):
    assert engine.allowed_transitions(RELEASE, release, author) == {"submit"}
    assert engine.allowed_transitions(RELEASE, release, approver) == set()
    release = release_submit(release_id=release.pk, actor=author)
    assert engine.allowed_transitions(RELEASE, release, approver) == {"approve", "request_changes"}
    assert engine.allowed_transitions(RELEASE, release, author) == set()


def test_sweep_publishes_due_releases_once_as_the_system(release, author, approver):
    publish_at = timezone.now() - dt.timedelta(seconds=1)
    approved(release, author, approver, publish_at=publish_at)
    assert run_sweep()["releases.publish"] == [release.pk]
    assert run_sweep()["releases.publish"] == []
    release.refresh_from_db()
    assert (release.status, release.first_published_at) == (State.PUBLISHED, publish_at)
    entry = AuditEntry.objects.get(action="release.publish")
    assert (entry.actor_id, entry.actor_label) == (None, "system")


def test_sweep_leaves_releases_whose_embargo_has_not_come(release, author, approver):
    approved(release, author, approver, publish_at=timezone.now() + dt.timedelta(minutes=5))
    assert run_sweep()["releases.publish"] == []
    assert Release.objects.get(pk=release.pk).status == State.APPROVED


def test_a_correction_keeps_the_live_revision_public_until_it_is_published(release, author, approver):
    approved(release, author, approver)
    release = release_publish(release_id=release.pk, actor=approver)
    live = release.live_revision
    release = release_update(actor=author, pk=release.pk, base_version=release.version, headline="Corrected headline")
    assert release.status == State.DRAFT
    now = timezone.now()
    assert Release.objects.public(now).get().public_revision(now) == live
    approved(release, author, approver)
    release = release_publish(release_id=release.pk, actor=approver)
    assert release.live_revision.content["headline"] == "Corrected headline"
    assert release.last_published_at > release.first_published_at


@pytest.mark.django_db(transaction=True)
def test_two_sweeps_in_parallel_publish_each_release_exactly_once():
    if not is_postgres():
        pytest.skip("parallel sweeps are exercised on PostgreSQL")
    ApprovalStep.objects.get_or_create(
        order=1, defaults={"name": "IR review", "group": Group.objects.get(name=IR_APPROVER)}
    )
    author, approver = UserFactory(roles=[IR_AUTHOR]), UserFactory(roles=[IR_APPROVER])
    due = timezone.now() - dt.timedelta(seconds=5)
    releases = [approved(make_release(author), author, approver, publish_at=due) for _ in range(12)]
    results = in_parallel(*[lambda: run_sweep()["releases.publish"]] * 2)
    assert sorted(results[0] + results[1]) == sorted(release.pk for release in releases)
    assert AuditEntry.objects.filter(action="release.publish").count() == 12
    assert Publication.objects.count() == 12


def test_staff_views_of_an_unpublished_release_are_access_records(release, author, approver):
    engine.record_access(RELEASE, item=release, actor=approver, view="preview")
    entry = AuditEntry.objects.get(action="release.access")
    assert (entry.actor_id, entry.data) == (approver.pk, {"view": "preview", "roles": [IR_APPROVER]})
    approved(release, author, approver)
    release_publish(release_id=release.pk, actor=approver)
    engine.record_access(RELEASE, item=Release.objects.get(pk=release.pk), actor=approver, view="preview")
    assert AuditEntry.objects.filter(action="release.access").count() == 1


def test_state_changes_are_announced_after_the_commit(release, author, approver, django_capture_on_commit_callbacks):
    from irportal.workflow.signals import state_changed

    heard = []

    def listener(sender, kind, item_id, transition, **kwargs):
        heard.append((kind, item_id, transition))

    state_changed.connect(listener)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            release_submit(release_id=release.pk, actor=author)
            assert heard == []
        with django_capture_on_commit_callbacks(execute=True):
            approved_release = release_approve(acknowledged=EVERY_WARNING, release_id=release.pk, actor=approver)
            release_publish(release_id=approved_release.pk, actor=approver)
    finally:
        state_changed.disconnect(listener)
    assert heard == [
        ("release", release.pk, "submit"),
        ("release", release.pk, "approve"),
        ("release", release.pk, "publish"),
    ]


# -- what the security review found ---------------------------------------------------------------


def _in_review(author):
    release = make_release(author)
    release_submit(release_id=release.pk, actor=author)
    return Release.objects.get(pk=release.pk)


def test_an_approval_covers_only_the_revision_the_approver_saw(company, author, approver):
    release = _in_review(author)
    seen = shown_revision(release)
    release_update(
        actor=author,
        pk=release.pk,
        base_version=release.version,
        **release_fields(slug=release.slug, headline="Changed"),
    )
    release_submit(release_id=release.pk, actor=author)
    with pytest.raises(TransitionNotAllowed, match="changed since you opened it") as refused:
        release_approve(acknowledged=EVERY_WARNING, release_id=release.pk, actor=approver, **seen)
    assert refused.value.status_code == 409
    assert Release.objects.get(pk=release.pk).status == State.IN_REVIEW
    release_approve(acknowledged=EVERY_WARNING, release_id=release.pk, actor=approver, **shown_revision(release))
    assert Release.objects.get(pk=release.pk).status == State.APPROVED


def test_nobody_who_edited_since_the_last_publication_may_approve(company, author, approver):
    editor = UserFactory(roles=[IR_AUTHOR, IR_APPROVER])
    release = make_release(author)
    release_update(
        actor=editor,
        pk=release.pk,
        base_version=release.version,
        **release_fields(slug=release.slug, headline="Second"),
    )
    release = Release.objects.get(pk=release.pk)
    release_update(
        actor=author, pk=release.pk, base_version=release.version, **release_fields(slug=release.slug, headline="Third")
    )
    release_submit(release_id=release.pk, actor=author)
    with pytest.raises(WorkflowPermissionDenied, match="edited it since"):
        release_approve(acknowledged=EVERY_WARNING, release_id=release.pk, actor=editor)
    release_approve(acknowledged=EVERY_WARNING, release_id=release.pk, actor=approver)
    assert Release.objects.get(pk=release.pk).status == State.APPROVED


def test_an_item_past_its_embargo_cannot_be_rescheduled_and_a_withdrawal_records_its_publication(
    company, author, approver
):

    release = _in_review(author)
    embargo = timezone.now() + dt.timedelta(hours=1)
    release_approve(acknowledged=EVERY_WARNING, release_id=release.pk, actor=approver, publish_at=embargo)
    with time_machine.travel(embargo + dt.timedelta(seconds=1), tick=False):
        with pytest.raises(TransitionNotAllowed, match="no longer be rescheduled"):
            release_schedule(release_id=release.pk, actor=approver, publish_at=embargo + dt.timedelta(days=1))
        assert Release.objects.get(pk=release.pk).public_revision(timezone.now()) is not None
        assert "schedule" not in engine.allowed_transitions(RELEASE, Release.objects.get(pk=release.pk), approver)
        release_withdraw(release_id=release.pk, actor=approver, reason="Issued in error")
    release = Release.objects.get(pk=release.pk)
    assert release.status == State.WITHDRAWN and release.live_revision_id == release.approved_revision_id
    assert Publication.objects.filter(object_id=release.pk, published_at=embargo).count() == 1
    assert AuditEntry.objects.filter(action="release.publish", object_id=str(release.pk), data__by="embargo").exists()


@pytest.mark.parametrize("role", [COMPLIANCE_REVIEWER, IR_ADMIN])
def test_compliance_and_admins_cannot_comment(company, author, role):
    release = make_release(author)
    with pytest.raises(WorkflowPermissionDenied):
        engine.add_comment(RELEASE, pk=release.pk, actor=UserFactory(roles=[role]), body="Looks fine")
    assert AuditEntry.objects.filter(action="security.permission_denied").count() == 1
    engine.add_comment(RELEASE, pk=release.pk, actor=author, body="Ready for review")
