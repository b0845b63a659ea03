"""Two factors at sign-in: who must enrol, the second step, throttling, recovery codes, an IR Admin's reset."""

import re

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from irportal.accounts import mfa
from irportal.accounts.models import RecoveryCode
from irportal.accounts.roles import COMPLIANCE_REVIEWER, IR_ADMIN, IR_APPROVER, IR_AUTHOR
from irportal.audit.models import AuditEntry
from tests.factories import PASSWORD, UserFactory, reauthenticate, sign_in, through_a_link, totp_code

pytestmark = pytest.mark.django_db
ADDRESS = "198.51.100.20"


def password_step(client, user, next_url=""):
    data = {"username": user.username, "password": PASSWORD}
    if next_url:
        data["next"] = next_url
    return client.post(reverse("accounts:login"), data, REMOTE_ADDR=ADDRESS)


def code_step(client, code, next_url=""):
    return client.post(reverse("accounts:mfa_verify"), {"code": code, "next": next_url}, REMOTE_ADDR=ADDRESS)


@pytest.mark.parametrize("role", [IR_APPROVER, IR_ADMIN])
def test_a_required_role_without_a_factor_reaches_no_staff_page_until_enrolled(client, role):
    user = UserFactory(roles=[role])
    response = password_step(client, user)
    assert response["Location"].startswith(reverse("accounts:mfa_setup"))
    for url in (
        reverse("accounts:console"),
        reverse("console:list", kwargs={"kind": "releases"}),
        reverse("accounts:password_change"),
    ):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:mfa_setup"))
    assert client.get(reverse("accounts:mfa_setup")).status_code == 200


@pytest.mark.parametrize("role", [IR_AUTHOR, COMPLIANCE_REVIEWER])
def test_roles_left_out_of_the_setting_may_sign_in_without_a_factor(client, settings, role):
    settings.MFA_REQUIRED_ROLES = [IR_APPROVER, IR_ADMIN]
    user = UserFactory(roles=[role])
    assert password_step(client, user)["Location"] == reverse("accounts:console")
    assert client.get(reverse("accounts:console")).status_code == 200


def test_the_required_roles_come_from_the_setting(client, settings):
    settings.MFA_REQUIRED_ROLES = [IR_AUTHOR]
    assert mfa.required_for(UserFactory(roles=[IR_AUTHOR]))
    assert not mfa.required_for(UserFactory(roles=[IR_APPROVER]))


def test_enrolling_an_authenticator_app_is_audited_and_gives_recovery_codes_once(client):
    user = UserFactory(roles=[IR_APPROVER])
    assert through_a_link(client, user)["Location"] == reverse("accounts:mfa_setup")
    page = client.get(reverse("accounts:mfa_totp")).content.decode()
    assert "otpauth://totp/" in page
    key = client.session["mfa_pending_totp_key"]
    wrong = client.post(reverse("accounts:mfa_totp"), {"code": "000000", "name": "Phone"})
    assert wrong.status_code == 400 and not TOTPDevice.objects.filter(user=user).exists()
    right = client.post(reverse("accounts:mfa_totp"), {"code": totp_code(TOTPDevice(key=key)), "name": "Phone"})
    assert right.status_code == 302
    assert TOTPDevice.objects.get(user=user).confirmed
    codes_page = client.get(reverse("accounts:mfa_setup")).content.decode()
    assert 'data-testid="recovery-codes"' in codes_page
    assert RecoveryCode.objects.filter(device__user=user).count() == mfa.RECOVERY_CODE_COUNT
    assert 'data-testid="recovery-codes"' not in client.get(reverse("accounts:mfa_setup")).content.decode()
    assert AuditEntry.objects.filter(action="mfa.enrol", actor_id=user.pk, data__factor="totp").count() == 1
    assert client.get(reverse("accounts:console")).status_code == 200


def test_a_user_with_a_factor_signs_in_with_password_and_code(client):
    user = UserFactory(roles=[IR_APPROVER], enrolled=True)
    response = password_step(client, user, next_url="/staff/releases/")
    assert response["Location"] == f"{reverse('accounts:mfa_verify')}?next=%2Fstaff%2Freleases%2F"
    assert client.get(reverse("console:list", kwargs={"kind": "releases"}))["Location"].startswith(
        reverse("accounts:mfa_verify")
    )
    device = TOTPDevice.objects.get(user=user)
    response = code_step(client, totp_code(device), next_url="/staff/releases/")
    assert response["Location"] == "/staff/releases/"
    assert client.get(reverse("console:list", kwargs={"kind": "releases"})).status_code == 200
    entry = AuditEntry.objects.get(action="mfa.verify")
    assert (entry.actor_id, entry.data["factor"], entry.data["purpose"]) == (user.pk, "totp", "sign_in")


def test_a_password_alone_cannot_add_a_factor_and_the_refusal_is_audited(client):
    user = UserFactory(roles=[IR_AUTHOR], enrolled=True)
    password_step(client, user)
    response = client.get(reverse("accounts:mfa_totp"))
    assert response["Location"].startswith(reverse("accounts:mfa_verify"))
    assert client.post(reverse("accounts:mfa_totp"), {"code": "123456"}).status_code == 302
    assert TOTPDevice.objects.filter(user=user).count() == 1
    refusal = AuditEntry.objects.get(action="security.permission_denied")
    assert (refusal.actor_id, refusal.data["path"]) == (user.pk, reverse("accounts:mfa_totp"))


def test_a_wrong_code_is_refused_counted_and_throttled(client, settings):
    user = UserFactory(roles=[IR_APPROVER], enrolled=True)
    device = TOTPDevice.objects.get(user=user)
    password_step(client, user)
    response = code_step(client, "000000")
    assert response.status_code == 400 and "not right" in response.content.decode()
    failure = AuditEntry.objects.get(action="auth.login_failed")
    assert failure.data == {"username": user.username, "step": "second_factor"}
    assert failure.ip == ADDRESS
    # The device waits a second after a failure: even the right code is refused at once.
    response = code_step(client, totp_code(device))
    assert response.status_code == 400 and "wait" in response.content.decode()
    assert not client.session.get(mfa.VERIFIED_AT)


def test_failures_at_the_second_step_lock_the_username_out_like_wrong_passwords(client, settings):
    settings.AXES_FAILURE_LIMIT = 3
    user = UserFactory(roles=[IR_APPROVER], enrolled=True)
    password_step(client, user)
    statuses = []
    for second in range(3):
        with time_machine.travel(timezone.now() + timezone.timedelta(seconds=10 * second), tick=False):
            statuses.append(code_step(client, "000000").status_code)
    assert statuses == [400, 400, 429]
    assert AuditEntry.objects.filter(action="security.lockout").exists()
    # The half-signed-in session ended; the password step is locked too.
    assert client.get(reverse("accounts:console"))["Location"].startswith(reverse("accounts:login"))
    assert password_step(client, user).status_code == 429


def test_a_recovery_code_works_once(client):
    user = UserFactory(roles=[IR_APPROVER], enrolled=True)
    sign_in(client, user)
    codes = mfa_codes(client, user)
    assert len(codes) == mfa.RECOVERY_CODE_COUNT
    client.logout()
    password_step(client, user)
    assert code_step(client, codes[0])["Location"] == reverse("accounts:console")
    entry = AuditEntry.objects.get(action="mfa.recovery_code_use")
    assert entry.data["recovery_codes_left"] == mfa.RECOVERY_CODE_COUNT - 1
    client.logout()
    password_step(client, user)
    assert code_step(client, codes[0]).status_code == 400


def mfa_codes(client, user) -> list[str]:
    """New recovery codes through the page (after confirming it is the user), read back from it."""
    reauthenticate(client, user)
    client.post(reverse("accounts:mfa_recovery_codes"))
    page = client.get(reverse("accounts:mfa_setup")).content.decode()
    block = page.split('data-testid="recovery-codes"')[1].split("</ul>")[0]
    return re.findall(r"<li>([a-z0-9-]+)</li>", block)


def test_removing_a_factor_needs_the_password_and_a_factor_again_and_is_audited(client, settings):
    settings.MFA_REQUIRED_ROLES = [IR_APPROVER, IR_ADMIN]  # an author may then remove their only factor
    user = UserFactory(roles=[IR_AUTHOR], enrolled=True)
    device = TOTPDevice.objects.get(user=user)
    sign_in(client, user)  # verified just now: still not enough
    url = reverse("accounts:mfa_remove", args=["totp", device.pk])
    response = client.post(url)
    assert response["Location"].startswith(reverse("accounts:reauthenticate"))
    assert TOTPDevice.objects.filter(pk=device.pk).exists()
    assert AuditEntry.objects.filter(action="security.permission_denied", actor_id=user.pk).count() == 1
    reauthenticate(client, user)
    client.post(url)
    assert not TOTPDevice.objects.filter(pk=device.pk).exists()
    assert AuditEntry.objects.filter(action="mfa.remove", actor_id=user.pk).count() == 1


def test_the_last_factor_of_a_required_role_cannot_be_removed(client):
    user = UserFactory(roles=[IR_APPROVER], enrolled=True)
    sign_in(client, user)
    device = TOTPDevice.objects.get(user=user)
    client.post(reverse("accounts:mfa_remove", args=["totp", device.pk]))
    assert TOTPDevice.objects.filter(pk=device.pk).exists()


def test_an_admin_resets_a_users_factors_audited_emailed_and_signed_out(client, django_capture_on_commit_callbacks):
    from django.test import Client

    target = UserFactory(roles=[IR_APPROVER], enrolled=True)
    elsewhere = Client()
    sign_in(elsewhere, target)
    admin = UserFactory(roles=[IR_ADMIN])
    sign_in(client, admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("accounts:user_factors_reset", args=[target.pk]))
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=target).exists()
    entry = AuditEntry.objects.get(action="mfa.reset")
    assert (entry.actor_id, entry.object_id) == (admin.pk, str(target.pk))
    assert [message.to for message in mail.outbox] == [[target.email]]
    assert "second sign-in factors" in mail.outbox[0].body
    assert elsewhere.get(reverse("accounts:console"))["Location"].startswith(reverse("accounts:login"))
