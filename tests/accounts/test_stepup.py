"""Step-up: approve, schedule, publish and withdraw ask for a fresh second factor; the evidence is audited."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from irportal.accounts.roles import IR_ADMIN, IR_APPROVER, IR_AUTHOR
from irportal.audit.models import AuditEntry
from irportal.workflow.engine import WorkflowPermissionDenied
from irportal.workflow.models import State
from releases.checks import CODES as EVERY_WARNING
from releases.models import Release
from releases.workflow import release_approve, release_submit
from tests.factories import UserFactory, fresh_step_up, make_release, shown_revision, sign_in, totp_code

pytestmark = pytest.mark.django_db
STALE = timedelta(minutes=10)
# The approver read every warning of the content checks shown with the release.
ACKNOWLEDGED = {"acknowledge": sorted(EVERY_WARNING)}


@pytest.fixture
def in_review(company, author):
    release = make_release(author)
    release_submit(release_id=release.pk, actor=author)
    return release


def approve_url(release):
    return reverse("console:transition", kwargs={"kind": "releases", "pk": release.pk, "transition": "approve"})


def test_a_fresh_factor_approves_and_the_audit_entry_says_how(client, in_review):
    approver = UserFactory(roles=[IR_APPROVER])
    sign_in(client, approver)
    response = client.post(approve_url(in_review), shown_revision(in_review) | ACKNOWLEDGED)
    assert response.status_code == 302
    entry = AuditEntry.objects.get(action="release.approve")
    assert entry.data["step_up"]["factor"] == "totp"
    assert entry.data["content_hash"] == in_review.revisions.get(number=in_review.version).content_hash


def test_a_stale_factor_gets_the_form_back_with_what_was_typed_then_the_code_approves(client, in_review):
    approver = UserFactory(roles=[IR_APPROVER])
    sign_in(client, approver, verified_at=timezone.now() - STALE)
    typed = (
        shown_revision(in_review)
        | ACKNOWLEDGED
        | {"comment": "Numbers match the 10-Q", "publish_at": "2030-01-02T16:30"}
    )
    response = client.post(approve_url(in_review), typed)
    page = response.content.decode()
    assert response.status_code == 403
    assert 'value="Numbers match the 10-Q"' in page and 'name="second_factor_code"' in page
    assert Release.objects.get(pk=in_review.pk).status == State.IN_REVIEW
    assert AuditEntry.objects.filter(action="security.step_up_required", actor_id=approver.pk).count() == 1
    wrong = client.post(approve_url(in_review), typed | {"second_factor_code": "000000"})
    assert wrong.status_code == 403 and "not right" in wrong.content.decode()
    assert AuditEntry.objects.filter(action="auth.login_failed", data__step="second_factor").count() == 1
    assert Release.objects.get(pk=in_review.pk).status == State.IN_REVIEW
    device = TOTPDevice.objects.get(user=approver)
    device.throttle_reset()
    response = client.post(approve_url(in_review), typed | {"second_factor_code": totp_code(device)})
    assert response.status_code == 302
    release = Release.objects.get(pk=in_review.pk)
    assert release.status == State.APPROVED
    assert AuditEntry.objects.get(action="release.approve").data["step_up"]["factor"] == "totp"


def test_the_engine_refuses_an_actor_with_a_factor_and_no_evidence(in_review):
    approver = UserFactory(roles=[IR_APPROVER], enrolled=True)
    with pytest.raises(WorkflowPermissionDenied):
        release_approve(
            acknowledged=EVERY_WARNING,
            release_id=in_review.pk,
            actor=approver,
            expected_revision=None,
            expected_hash=None,
        )
    stale = {"verified_at": (timezone.now() - STALE).isoformat(), "factor": "totp"}
    with pytest.raises(WorkflowPermissionDenied):
        release_approve(acknowledged=EVERY_WARNING, release_id=in_review.pk, actor=approver, step_up=stale)
    assert Release.objects.get(pk=in_review.pk).status == State.IN_REVIEW
    assert AuditEntry.objects.filter(action="security.permission_denied").count() == 2
    release_approve(acknowledged=EVERY_WARNING, release_id=in_review.pk, actor=approver, step_up=fresh_step_up())
    assert Release.objects.get(pk=in_review.pk).status == State.APPROVED


def user_form(target, **overrides):
    return {
        "first_name": target.first_name,
        "last_name": target.last_name,
        "email": target.email,
        "is_active": "on",
        "roles": [IR_AUTHOR],
    } | overrides


def test_granting_a_role_asks_the_admin_for_a_fresh_factor(client):
    admin = UserFactory(roles=[IR_ADMIN])
    target = UserFactory(roles=[IR_AUTHOR])
    sign_in(client, admin, verified_at=timezone.now() - STALE)
    url = reverse("accounts:user_update", args=[target.pk])
    response = client.post(url, user_form(target, roles=[IR_AUTHOR, IR_ADMIN]))
    assert response.status_code == 403 and 'name="second_factor_code"' in response.content.decode()
    assert list(target.groups.values_list("name", flat=True)) == [IR_AUTHOR]
    assert AuditEntry.objects.filter(action="security.step_up_required", actor_id=admin.pk).count() == 1
    device = TOTPDevice.objects.get(user=admin)
    response = client.post(
        url, user_form(target, roles=[IR_AUTHOR, IR_ADMIN]) | {"second_factor_code": totp_code(device)}
    )
    assert response.status_code == 302
    assert sorted(target.groups.values_list("name", flat=True)) == [IR_ADMIN, IR_AUTHOR]
    entry = AuditEntry.objects.get(action="accounts.roles_change")
    assert entry.data["step_up"]["factor"] == "totp"


def test_changing_names_only_needs_no_step_up(client):
    admin = UserFactory(roles=[IR_ADMIN])
    target = UserFactory(roles=[IR_AUTHOR])
    sign_in(client, admin, verified_at=timezone.now() - STALE)
    response = client.post(reverse("accounts:user_update", args=[target.pk]), user_form(target, first_name="Avery"))
    assert response.status_code == 302


def test_the_role_service_refuses_a_grant_without_fresh_evidence():
    from irportal.accounts.services import user_update

    admin = UserFactory(roles=[IR_ADMIN], enrolled=True)
    target = UserFactory(roles=[IR_AUTHOR])
    with pytest.raises(PermissionDenied):
        user_update(actor=admin, user=target, roles=[IR_ADMIN])
    assert list(target.groups.values_list("name", flat=True)) == [IR_AUTHOR]
    assert AuditEntry.objects.filter(action="security.permission_denied", actor_id=admin.pk).count() == 1


def test_editing_the_approval_chain_asks_for_a_fresh_factor(client):
    """Deactivating the Legal step would let releases out without Legal's approval."""
    from django.contrib.auth.models import Group

    from irportal.workflow.models import ApprovalStep

    legal = ApprovalStep.objects.create(order=2, name="Legal", group=Group.objects.get(name=IR_APPROVER))
    admin = UserFactory(roles=[IR_ADMIN])
    sign_in(client, admin, verified_at=timezone.now() - STALE)
    url = reverse("workflow:step_update", args=[legal.pk])
    data = {"name": "Legal", "group": legal.group_id, "order": 2}  # is_active unticked: deactivate
    response = client.post(url, data)
    assert response.status_code == 403 and 'name="second_factor_code"' in response.content.decode()
    assert ApprovalStep.objects.get(pk=legal.pk).is_active
    device = TOTPDevice.objects.get(user=admin)
    assert client.post(url, data | {"second_factor_code": totp_code(device)}).status_code == 302
    assert not ApprovalStep.objects.get(pk=legal.pk).is_active
    assert AuditEntry.objects.get(action="workflow.step_change").data["step_up"]["factor"] == "totp"
