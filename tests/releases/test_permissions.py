"""Every role (and anonymous) x every release action x every state, through the server."""

import pytest
from django.urls import reverse

from irportal.accounts.roles import COMPLIANCE_REVIEWER, IR_ADMIN, IR_APPROVER, IR_AUTHOR
from irportal.audit.models import AuditEntry
from irportal.workflow.models import State
from releases.checks import CODES as EVERY_WARNING
from releases.models import Release
from releases.workflow import release_approve, release_publish, release_submit, release_withdraw
from tests.factories import UserFactory, enrol_totp, make_release, release_fields, shown_revision, sign_in

pytestmark = pytest.mark.django_db

STATES = [State.DRAFT, State.IN_REVIEW, State.APPROVED, State.PUBLISHED, State.WITHDRAWN]
ROLES = [IR_AUTHOR, IR_APPROVER, COMPLIANCE_REVIEWER, IR_ADMIN, None]

# action -> (role that may do it, states in which it may be done)
ALLOWED = {
    "edit": (IR_AUTHOR, {State.DRAFT, State.IN_REVIEW, State.APPROVED, State.PUBLISHED}),
    "submit": (IR_AUTHOR, {State.DRAFT}),
    "request_changes": (IR_APPROVER, {State.IN_REVIEW}),
    "approve": (IR_APPROVER, {State.IN_REVIEW}),
    "schedule": (IR_APPROVER, {State.APPROVED}),
    "publish": (IR_APPROVER, {State.APPROVED}),
    "withdraw": (IR_APPROVER, {State.PUBLISHED}),
}


def release_in(state, author, approver) -> Release:
    release = make_release(author)
    if state == State.DRAFT:
        return release
    release_submit(release_id=release.pk, actor=author)
    if state == State.IN_REVIEW:
        return Release.objects.get(pk=release.pk)
    release_approve(acknowledged=EVERY_WARNING, release_id=release.pk, actor=approver)
    if state == State.APPROVED:
        return Release.objects.get(pk=release.pk)
    release_publish(release_id=release.pk, actor=approver)
    if state == State.WITHDRAWN:
        release_withdraw(release_id=release.pk, actor=approver, reason="Issued in error")
    return Release.objects.get(pk=release.pk)


def post_action(client, release, action):
    if action == "edit":
        data = release_fields(slug=release.slug, headline="Edited headline") | {
            "base_version": release.version,
            "highlights": "One\nTwo",
            "release_date": "2026-11-30",
        }
        return client.post(reverse("console:edit", kwargs={"kind": "releases", "pk": release.pk}), data)
    data = {
        "comment": "Please tighten the second paragraph",
        "reason": "Issued in error",
        "publish_at": "2030-01-02T16:30",
        "acknowledge": sorted(EVERY_WARNING),  # the approver read every warning shown
    } | shown_revision(release)
    return client.post(
        reverse("console:transition", kwargs={"kind": "releases", "pk": release.pk, "transition": action}), data
    )


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("action", list(ALLOWED))
@pytest.mark.parametrize("role", ROLES)
def test_release_action_matrix(client, company, role, action, state):
    author, approver = UserFactory(roles=[IR_AUTHOR]), UserFactory(roles=[IR_APPROVER])
    release = release_in(state, author, approver)
    actor = {IR_AUTHOR: author, IR_APPROVER: approver}.get(role) or (UserFactory(roles=[role]) if role else None)
    if actor is not None:
        sign_in(client, actor)
    denials_before = AuditEntry.objects.filter(action="security.permission_denied").count()
    response = post_action(client, release, action)
    allowed_role, allowed_states = ALLOWED[action]
    after = Release.objects.get(pk=release.pk)
    if role is None:
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))
        assert after.version == release.version and after.status == release.status
    elif role != allowed_role:
        assert response.status_code == 403
        assert AuditEntry.objects.filter(action="security.permission_denied").count() == denials_before + 1
        assert after.version == release.version and after.status == release.status
    elif state in allowed_states:
        assert response.status_code == 302, response.content.decode()[:500]
        assert (after.version, after.status, after.publish_at) != (release.version, release.status, release.publish_at)
    else:
        assert response.status_code == 409
        assert after.version == release.version and after.status == release.status


STEP_UP_ACTIONS = {
    "approve": State.IN_REVIEW,
    "schedule": State.APPROVED,
    "publish": State.APPROVED,
    "withdraw": State.PUBLISHED,
}


@pytest.mark.parametrize("session", ["stale factor", "password only"])
@pytest.mark.parametrize("action", list(STEP_UP_ACTIONS))
def test_every_step_up_action_without_a_fresh_factor_is_refused_logged_and_changes_nothing(
    client, company, action, session
):
    from datetime import timedelta

    from django.utils import timezone

    author, approver = UserFactory(roles=[IR_AUTHOR]), UserFactory(roles=[IR_APPROVER])
    release = release_in(STEP_UP_ACTIONS[action], author, approver)
    if session == "stale factor":
        sign_in(client, approver, verified_at=timezone.now() - timedelta(minutes=10))
    else:
        enrol_totp(approver)
        client.force_login(approver)
    entries_before = AuditEntry.objects.count()
    response = post_action(client, release, action)
    after = Release.objects.get(pk=release.pk)
    assert response.status_code in (302, 403)
    if response.status_code == 302:
        assert response["Location"].startswith(reverse("accounts:mfa_verify"))
    refusal = AuditEntry.objects.filter(sequence__gt=entries_before).get()
    assert refusal.action in ("security.step_up_required", "security.permission_denied")
    assert refusal.actor_id == approver.pk
    assert (after.version, after.status, after.publish_at) == (release.version, release.status, release.publish_at)
