"""A package is a workflow item whose transitions are its members': one approval, one embargo, one second."""

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from events.models import Event
from irportal.audit.models import AuditEntry
from irportal.workflow import engine
from irportal.workflow.engine import HeldTogether, WorkflowPermissionDenied
from irportal.workflow.models import Approval, State
from irportal.workflow.sweep import run_sweep
from packages import services
from packages.models import Package
from packages.workflow import PACKAGE, members_of
from releases.checks import CODES as EVERY_RELEASE_WARNING
from releases.models import Release
from releases.workflow import RELEASE
from reports.models import Document
from tests.factories import UserFactory, fresh_step_up
from tests.packages.builders import approved_package, earnings_items, every_warning, make_package

pytestmark = pytest.mark.django_db


def _embargo(hours=3):
    return timezone.now().replace(microsecond=0) + dt.timedelta(hours=hours)


def _public_kinds(now) -> dict[str, int]:
    return {
        "release": Release.objects.public(now).count(),
        "document": Document.objects.public(now).count(),
        "event": Event.objects.public(now).count(),
    }


def _reloaded(items):
    return [type(item).objects.get(pk=item.pk) for item in items]


def test_approving_the_package_approves_each_members_current_revision_with_its_embargo(company, author, approver):
    items = earnings_items(author)
    embargo = _embargo()
    package = approved_package(author, approver, embargo, items)
    assert (package.status, package.publish_at) == (State.APPROVED, embargo)
    for item in _reloaded(items):
        assert (item.status, item.publish_at) == (State.APPROVED, embargo)
        assert item.approved_revision.number == item.version
        approval = Approval.objects.get(object_id=item.pk, content_type__model=type(item).__name__.lower())
        assert (approval.approver, approval.content_hash) == (approver, item.approved_revision.content_hash)
    assert AuditEntry.objects.filter(action="package.approve").count() == 1
    assert {entry.action for entry in AuditEntry.objects.filter(action__endswith=".approve")} == {
        "package.approve",
        "release.approve",
        "document.approve",
        "event.approve",
    }


def test_every_member_is_public_from_the_same_second_without_a_sweep(company, author, approver):
    items = earnings_items(author)
    embargo = _embargo()
    approved_package(author, approver, embargo, items)
    assert _public_kinds(embargo - dt.timedelta(seconds=1)) == {"release": 0, "document": 0, "event": 0}
    assert _public_kinds(embargo) == {"release": 1, "document": 2, "event": 1}
    assert Package.objects.public(embargo).count() == 1


def test_the_sweep_publishes_the_package_and_its_members_at_the_second(company, author, approver):
    items = earnings_items(author)
    embargo = _embargo()
    package = approved_package(author, approver, embargo, items)
    with time_machine.travel(embargo, tick=False):
        changed = run_sweep()
    assert changed["packages.publish"] == [package.pk]
    for item in _reloaded(items):
        assert (item.status, item.first_published_at) == (State.PUBLISHED, embargo)


def test_a_member_the_approver_wrote_stops_the_whole_approval_and_the_refusal_is_audited(company, author, approver):
    release, results, tables, webcast = earnings_items(author)
    results = Document.objects.get(pk=results.pk)
    Document.objects.filter(pk=results.pk).update(last_edited_by=approver)  # the approver edited the results PDF
    package = make_package(author, [release, results, tables, webcast])
    engine.submit(PACKAGE, pk=package.pk, actor=author)
    with pytest.raises(WorkflowPermissionDenied, match=r"Document “.*”: You created this document or edited it"):
        engine.approve(
            PACKAGE,
            pk=package.pk,
            actor=approver,
            publish_at=_embargo(),
            acknowledged=every_warning(package),
            step_up=fresh_step_up(),
        )
    assert Approval.objects.count() == 0
    assert [item.status for item in _reloaded([package, release, results, tables, webcast])] == [State.IN_REVIEW] * 5
    denial = AuditEntry.objects.get(action="security.permission_denied")
    assert (denial.object_type, denial.data["transition"]) == ("packages.package", "approve")


def test_each_members_warnings_are_acknowledged_on_the_package(company, author, approver):
    package = make_package(author)
    engine.submit(PACKAGE, pk=package.pk, actor=author)
    in_market_hours = timezone.localtime().replace(hour=10, minute=0, second=0, microsecond=0) + dt.timedelta(days=7)
    while in_market_hours.weekday() >= 5:
        in_market_hours += dt.timedelta(days=1)
    with pytest.raises(engine.UnacknowledgedWarnings) as refused:
        engine.approve(PACKAGE, pk=package.pk, actor=approver, publish_at=in_market_hours, step_up=fresh_step_up())
    codes = {check.code for check in refused.value.warnings}
    assert any(code.startswith("release-") and code.endswith(":market_hours") for code in codes)
    assert Package.objects.get(pk=package.pk).status == State.IN_REVIEW


def test_the_package_needs_the_second_factor_once_for_every_member(company, author, approver):
    from tests.factories import enrol_totp

    enrol_totp(approver)
    package = make_package(author)
    engine.submit(PACKAGE, pk=package.pk, actor=author)
    with pytest.raises(WorkflowPermissionDenied, match="second factor"):
        engine.approve(
            PACKAGE, pk=package.pk, actor=approver, publish_at=_embargo(), acknowledged=every_warning(package)
        )
    assert Approval.objects.count() == 0


@pytest.mark.parametrize(
    ("transition", "call"),
    [
        (
            "schedule",
            lambda spec, pk, actor: engine.schedule(
                spec, pk=pk, actor=actor, publish_at=_embargo(5), step_up=fresh_step_up()
            ),
        ),
        ("publish", lambda spec, pk, actor: engine.publish(spec, pk=pk, actor=actor, step_up=fresh_step_up())),
    ],
)
def test_a_member_of_a_scheduled_package_is_not_scheduled_or_published_alone(
    company, author, approver, transition, call
):
    release, *others = earnings_items(author)
    embargo = _embargo()
    approved_package(author, approver, embargo, [release, *others])
    with pytest.raises(HeldTogether, match="goes out with the package “Q3 2026 results”, scheduled for") as refused:
        call(RELEASE, release.pk, approver)
    assert refused.value.status_code == 409
    assert Release.objects.get(pk=release.pk).publish_at == embargo
    denial = AuditEntry.objects.get(action="security.permission_denied")
    assert (denial.object_type, denial.object_id, denial.data["transition"]) == (
        "releases.release",
        str(release.pk),
        transition,
    )


def test_a_member_of_a_scheduled_package_is_not_edited_alone(company, author, approver):
    from releases.services import release_update

    release, *others = earnings_items(author)
    approved_package(author, approver, _embargo(), [release, *others])
    with pytest.raises(HeldTogether, match="edit the package first"):
        release_update(actor=author, pk=release.pk, base_version=None, headline="Changed alone")
    assert Release.objects.get(pk=release.pk).status == State.APPROVED
    assert AuditEntry.objects.filter(action="security.permission_denied", data__transition="change").exists()


def test_rescheduling_the_package_reschedules_every_member(company, author, approver):
    items = earnings_items(author)
    package = approved_package(author, approver, _embargo(), items)
    later = _embargo(hours=6)
    engine.schedule(PACKAGE, pk=package.pk, actor=approver, publish_at=later, step_up=fresh_step_up())
    assert {item.publish_at for item in _reloaded(items)} == {later}


def test_publishing_the_package_now_publishes_every_member_and_withdrawing_it_withdraws_them(company, author, approver):
    items = earnings_items(author)
    package = approved_package(author, approver, _embargo(), items)
    engine.publish(PACKAGE, pk=package.pk, actor=approver, step_up=fresh_step_up())
    assert {item.status for item in _reloaded(items)} == {State.PUBLISHED}
    assert _public_kinds(timezone.now()) == {"release": 1, "document": 2, "event": 1}
    engine.withdraw(PACKAGE, pk=package.pk, actor=approver, reason="Wrong quarter", step_up=fresh_step_up())
    assert {item.status for item in _reloaded(items)} == {State.WITHDRAWN}
    assert _public_kinds(timezone.now()) == {"release": 0, "document": 0, "event": 0}


def test_once_public_a_member_is_withdrawn_only_with_its_package_and_corrected_on_its_own(company, author, approver):
    from releases.services import release_update

    release, *others = earnings_items(author)
    package = approved_package(author, approver, _embargo(), [release, *others])
    engine.publish(PACKAGE, pk=package.pk, actor=approver, step_up=fresh_step_up())
    with pytest.raises(HeldTogether, match="its items are withdrawn together: withdraw the package"):
        engine.withdraw(RELEASE, pk=release.pk, actor=approver, reason="Wrong figures", step_up=fresh_step_up())
    assert Release.objects.get(pk=release.pk).status == State.PUBLISHED
    correction = release_update(actor=author, pk=release.pk, base_version=None, headline="Corrected headline")
    engine.submit(RELEASE, pk=correction.pk, actor=author)
    engine.approve(RELEASE, pk=release.pk, actor=approver, acknowledged=EVERY_RELEASE_WARNING, step_up=fresh_step_up())
    engine.publish(RELEASE, pk=release.pk, actor=approver, step_up=fresh_step_up())
    assert Release.objects.get(pk=release.pk).live_revision.content["headline"] == "Corrected headline"


def test_editing_an_approved_package_takes_its_members_back_to_draft(company, author, approver):
    items = earnings_items(author)
    embargo = _embargo()
    package = approved_package(author, approver, embargo, items)
    services.package_update(
        actor=author,
        pk=package.pk,
        base_version=package.version,
        title="Q3 2026 results (final)",
        note="",
        members=[(member.spec.kind, member.item.pk) for member in members_of(package)],
    )
    assert Package.objects.get(pk=package.pk).status == State.DRAFT
    assert {item.status for item in _reloaded(items)} == {State.DRAFT}
    assert _public_kinds(embargo) == {"release": 0, "document": 0, "event": 0}
    assert AuditEntry.objects.filter(action__endswith=".recall").count() == 4


def test_requesting_changes_on_the_package_sends_its_members_back(company, author, approver):
    items = earnings_items(author)
    package = make_package(author, items)
    engine.submit(PACKAGE, pk=package.pk, actor=author)
    assert {item.status for item in _reloaded(items)} == {State.IN_REVIEW}
    engine.request_changes(PACKAGE, pk=package.pk, actor=approver, comment="The tables miss Q2")
    assert {item.status for item in _reloaded(items)} == {State.DRAFT}


def test_a_member_in_review_with_its_package_is_not_approved_alone(company, author, approver):
    release, *others = earnings_items(author)
    package = make_package(author, [release, *others])
    engine.submit(PACKAGE, pk=package.pk, actor=author)
    with pytest.raises(HeldTogether, match="in review with the package"):
        engine.approve(RELEASE, pk=release.pk, actor=approver, step_up=fresh_step_up())


def test_a_member_changed_during_review_blocks_the_package_with_the_reason(company, author, approver):
    from releases.services import release_update

    release, *others = earnings_items(author)
    package = make_package(author, [release, *others])
    engine.submit(PACKAGE, pk=package.pk, actor=author)
    release_update(actor=author, pk=release.pk, base_version=None, headline="Halvorsen Reports Record Quarter")
    blockers = [check for check in engine.checks_for(PACKAGE, Package.objects.get(pk=package.pk)) if check.blocking]
    assert [check.code for check in blockers] == [f"release-{release.pk}:not_in_step"]
    assert "request changes on the package and submit it again" in blockers[0].message


def test_an_item_belongs_to_one_package(company, author):
    release, *others = earnings_items(author)
    make_package(author, [release, *others])
    with pytest.raises(services.PackageError, match="one package only"):
        make_package(author, [release], title="Another")
    assert Package.objects.count() == 1


def test_a_member_without_the_packages_embargo_gets_none_of_its_own(company, author, approver):
    """Approved without an embargo, the package's items wait together: none keeps an embargo of its own."""
    release, results, tables, webcast = earnings_items(author)
    Document.objects.filter(pk=results.pk).update(publish_at=_embargo(1))
    approved_package(author, approver, None, [release, results, tables, webcast])
    assert Document.objects.get(pk=results.pk).publish_at is None
    assert Document.objects.public(_embargo(2)).count() == 0


def test_only_authors_make_packages(company):
    outsider = UserFactory(roles=[])
    with pytest.raises(WorkflowPermissionDenied):
        services.package_create(actor=outsider, title="Q3", members=[])


def test_a_package_that_was_public_and_its_revisions_are_kept(company, author, approver):
    from irportal.audit.exceptions import RetentionRefused
    from irportal.audit.retention import refuse_if_protected

    package = approved_package(author, approver, _embargo(), earnings_items(author))
    refuse_if_protected(package, actor=approver)  # not public yet: nothing to keep
    engine.publish(PACKAGE, pk=package.pk, actor=approver, step_up=fresh_step_up())
    engine.withdraw(PACKAGE, pk=package.pk, actor=approver, reason="Wrong quarter", step_up=fresh_step_up())
    for record in (Package.objects.get(pk=package.pk), package.revisions.get()):
        with pytest.raises(RetentionRefused):
            refuse_if_protected(record, actor=approver)
