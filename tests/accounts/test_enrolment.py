"""Changing factors: the password and a factor again, never step-up evidence, mailed, other sessions ended.

A stolen verified session (a copied cookie, an unlocked desk) must not be
able to add its own factor, nor to approve after trying.
"""

import json

import pytest
from django.contrib.auth.hashers import check_password
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from irportal.accounts import mfa
from irportal.accounts.models import RecoveryCode, RecoveryCodeDevice
from irportal.accounts.roles import IR_ADMIN, IR_APPROVER, IR_AUTHOR
from irportal.audit.models import AuditEntry
from irportal.workflow.models import State
from releases.models import Release
from releases.workflow import release_submit
from tests.factories import (
    PASSWORD,
    UserFactory,
    make_approval_step,
    make_release,
    reauthenticate,
    shown_revision,
    sign_in,
    through_a_link,
    totp_code,
)

pytestmark = pytest.mark.django_db
LONG_AGO = timezone.timedelta(hours=2)
BEGIN_PASSKEY = "/staff/account/webauthn/registration/begin/"


def new_app_code(client) -> str:
    """The first code of the authenticator app the enrolment page offers."""
    client.get(reverse("accounts:mfa_totp"))
    return totp_code(TOTPDevice(key=client.session["mfa_pending_totp_key"]))


def test_a_stolen_verified_session_cannot_add_a_factor_nor_approve_after_trying(client, company):
    make_approval_step()
    author = UserFactory(roles=[IR_AUTHOR])
    release = make_release(author)
    release_submit(release_id=release.pk, actor=author)
    owner = UserFactory(roles=[IR_APPROVER], enrolled=True)
    sign_in(client, owner, verified_at=timezone.now() - LONG_AGO)  # the session the thief copied

    # The authenticator app page and the passkey ceremony both want the password and a factor again.
    assert client.get(reverse("accounts:mfa_totp"))["Location"].startswith(reverse("accounts:reauthenticate"))
    assert client.post(reverse("accounts:mfa_totp"), {"code": "123456"}).status_code == 302
    begin = client.post(BEGIN_PASSKEY, "{}", content_type="application/json")
    assert begin.status_code == 403 and json.loads(begin.content)["code"] == "factor_change_refused"
    # Knowing the password (phished) is not enough without the factor.
    client.get(reverse("accounts:reauthenticate"))
    wrong = client.post(reverse("accounts:reauthenticate"), {"password": PASSWORD, "code": "000000"})
    assert wrong.status_code == 400
    assert TOTPDevice.objects.filter(user=owner).count() == 1
    refusals = AuditEntry.objects.filter(action="security.permission_denied", actor_id=owner.pk)
    assert refusals.count() == 2
    assert AuditEntry.objects.filter(action="auth.login_failed", data__step="second_factor").count() == 1

    # Nor can it approve: the step-up asks for the factor it does not have.
    url = reverse("console:transition", kwargs={"kind": "releases", "pk": release.pk, "transition": "approve"})
    response = client.post(url, shown_revision(release) | {"acknowledge": []})
    assert response.status_code == 403 and 'name="second_factor_code"' in response.content.decode()
    assert Release.objects.get(pk=release.pk).status == State.IN_REVIEW


def test_a_failed_reauthentication_ends_the_freshness_of_the_last_factor_check(client):
    owner = UserFactory(roles=[IR_APPROVER], enrolled=True)
    sign_in(client, owner)  # verified a moment ago: a step-up would not be asked for yet
    client.get(reverse("accounts:reauthenticate"))
    client.post(reverse("accounts:reauthenticate"), {"password": "a guess", "code": ""})
    assert mfa.VERIFIED_AT not in client.session
    assert AuditEntry.objects.get(action="auth.login_failed").data["step"] == "reauthentication"


def test_a_factor_is_added_after_the_password_and_a_factor_again_mailed_and_the_other_sessions_end(
    client, django_capture_on_commit_callbacks
):
    owner = UserFactory(roles=[IR_APPROVER], enrolled=True)
    elsewhere = Client()
    sign_in(elsewhere, owner)
    sign_in(client, owner)
    reauthenticate(client, owner)
    assert AuditEntry.objects.filter(action="auth.reauthenticate", actor_id=owner.pk).count() == 1
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("accounts:mfa_totp"), {"code": new_app_code(client), "name": "Laptop"})
    assert response.status_code == 302 and TOTPDevice.objects.filter(user=owner).count() == 2
    [notice] = mail.outbox
    assert notice.to == [owner.email] and "A second factor was added: Laptop" in notice.body
    assert "1 other session of your account was ended" in notice.body
    assert elsewhere.get(reverse("accounts:console"))["Location"].startswith(reverse("accounts:login"))
    # The re-authentication was for that one change.
    assert client.get(reverse("accounts:mfa_totp"))["Location"].startswith(reverse("accounts:reauthenticate"))


def test_a_first_factor_is_added_only_through_a_link_and_is_no_step_up_evidence(client):
    user = UserFactory(roles=[IR_APPROVER])
    # The password alone: refused, audited, and the page says to ask for a link.
    client.post(reverse("accounts:login"), {"username": user.username, "password": PASSWORD})
    assert client.get(reverse("accounts:mfa_totp"))["Location"] == reverse("accounts:mfa_setup")
    assert 'data-testid="enrolment-needs-link"' in client.get(reverse("accounts:mfa_setup")).content.decode()
    client.post(reverse("accounts:mfa_totp"), {"code": "123456"})
    assert client.post(BEGIN_PASSKEY, "{}", content_type="application/json").status_code == 403
    assert AuditEntry.objects.filter(action="security.permission_denied", actor_id=user.pk).count() == 2
    # Through a link: the first factor completes the sign-in, but a step-up still asks for a code.
    client.logout()
    through_a_link(client, user)
    client.post(reverse("accounts:mfa_totp"), {"code": new_app_code(client), "name": "Phone"})
    assert TOTPDevice.objects.filter(user=user).count() == 1
    assert client.get(reverse("accounts:console")).status_code == 200
    assert mfa.VERIFIED_AT not in client.session
    assert AuditEntry.objects.get(action="mfa.enrol").data["factor"] == "totp"
    assert not AuditEntry.objects.filter(action="mfa.verify").exists()


def test_after_an_admin_resets_the_factors_the_password_alone_cannot_enrol_one(client):
    user = UserFactory(roles=[IR_AUTHOR], enrolled=True)
    admin = UserFactory(roles=[IR_ADMIN])
    sign_in(client, admin)
    client.post(reverse("accounts:user_factors_reset", args=[user.pk]))
    assert not mfa.has_factor(user)
    thief = Client()
    thief.post(reverse("accounts:login"), {"username": user.username, "password": PASSWORD})
    thief.post(reverse("accounts:mfa_totp"), {"code": "123456"})
    assert thief.post(BEGIN_PASSKEY, "{}", content_type="application/json").status_code == 403
    assert not mfa.has_factor(user)
    assert thief.get(reverse("accounts:console"))["Location"].startswith(reverse("accounts:mfa_setup"))


def test_new_recovery_codes_need_reauthentication_are_mailed_and_stored_hashed(
    client, django_capture_on_commit_callbacks
):
    owner = UserFactory(roles=[IR_AUTHOR], enrolled=True)
    sign_in(client, owner)
    assert client.post(reverse("accounts:mfa_recovery_codes"))["Location"].startswith(
        reverse("accounts:reauthenticate")
    )
    reauthenticate(client, owner)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("accounts:mfa_recovery_codes"))
    codes = client.session[mfa.NEW_RECOVERY_CODES]
    assert len(codes) == mfa.RECOVERY_CODE_COUNT and all(len(code.replace("-", "")) == 24 for code in codes)
    stored = list(RecoveryCode.objects.filter(device__user=owner).values_list("digest", flat=True))
    assert len(stored) == mfa.RECOVERY_CODE_COUNT
    assert not any(code.replace("-", "") in digest for code in codes for digest in stored)
    assert "New recovery codes were made" in mail.outbox[0].body


def test_recovery_codes_kept_in_plain_text_are_hashed_by_the_migration_and_still_work_once():
    from importlib import import_module

    from django.apps import apps
    from django_otp.plugins.otp_static.models import StaticDevice, StaticToken

    owner = UserFactory(roles=[IR_AUTHOR], enrolled=True)
    static = StaticDevice.objects.create(user=owner, name="Recovery codes", confirmed=True)
    StaticToken.objects.bulk_create(StaticToken(device=static, token=f"oldcode{n}") for n in range(3))
    migration = import_module("irportal.accounts.migrations.0004_recovery_codes_hashed")
    migration.hash_recovery_codes(apps, None)
    assert not StaticToken.objects.exists() and not StaticDevice.objects.exists()
    device = RecoveryCodeDevice.objects.get(user=owner)
    digests = list(device.codes.values_list("digest", flat=True))
    assert len(digests) == 3 and all(digest.startswith("pbkdf2_sha256$") for digest in digests)
    assert check_password("oldcode1", digests[1]) and "oldcode1" not in digests[1]
    assert device.verify_token("oldcode1")
    device.throttle_reset()
    assert not device.verify_token("oldcode1")
