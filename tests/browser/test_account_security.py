"""Account takeover, invitation, reset, and every role behind a second factor, as users meet them in Chromium."""

import re
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.core import mail
from django_otp.plugins.otp_totp.models import TOTPDevice

from irportal.accounts.roles import COMPLIANCE_REVIEWER, IR_ADMIN, IR_APPROVER, IR_AUTHOR
from irportal.audit.models import AuditEntry
from irportal.workflow.models import State
from releases.models import Release
from releases.workflow import release_submit
from tests.browser.conftest import acknowledge_every_warning, sign_in
from tests.browser.test_two_factor import code_for, password_step
from tests.factories import PASSWORD, UserFactory, make_release, totp_code

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
User = get_user_model()
CHOSEN = "copper kettle under a violet moon"


def link_path(message) -> str:
    return re.search(r"https?://[^/\s]+(/staff/account/link/\S+/)", message.body).group(1)


def choose_password(page, password):
    page.locator("#id_new_password1").fill(password)
    page.locator("#id_new_password2").fill(password)
    page.get_by_role("button", name="Set my password").click()


@pytest.mark.parametrize("role", [IR_AUTHOR, COMPLIANCE_REVIEWER])
def test_a_password_alone_reaches_no_staff_or_compliance_page_until_a_factor_is_enrolled(page, workflow_ready, role):
    user = UserFactory(roles=[role])
    password_step(page, user.username)
    page.wait_for_url("**/staff/account/two-factor/**")
    for path in ("/staff/", "/staff/releases/", "/staff/events/", "/staff/calendar/", "/compliance/audit/"):
        page.goto(path)
        page.wait_for_url("**/staff/account/two-factor/**")
        assert page.get_by_test_id("enrolment-needs-link").is_visible()
    assert "Add an authenticator app" not in page.content()


def test_a_stolen_verified_session_cannot_add_a_factor_nor_approve_after_trying(browser, live_server, workflow_ready):
    author, owner = UserFactory(roles=[IR_AUTHOR]), UserFactory(roles=[IR_APPROVER])
    release = make_release(author)
    release_submit(release_id=release.pk, actor=author)
    with time_machine.travel(datetime.now(UTC), tick=True) as clock:
        desk = browser.new_context(base_url=live_server.url)
        owners_page = desk.new_page()
        sign_in(owners_page, owner.username, PASSWORD)
        clock.shift(timedelta(minutes=20))  # the owner stepped away long ago; the session is still verified
        # The thief copies the session cookie into a browser of their own (and has phished the password).
        thief = browser.new_context(base_url=live_server.url)
        thief.add_cookies(desk.cookies())
        page = thief.new_page()
        page.goto("/staff/account/two-factor/")
        assert page.get_by_test_id("reauth-needed").is_visible()
        assert page.get_by_role("button", name="Add a passkey or security key").count() == 0
        page.goto("/staff/account/two-factor/app/")
        page.wait_for_url("**/staff/account/confirm/**")
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_label("Code").fill("123456")
        page.get_by_role("button", name="Confirm").click()
        assert "not right" in page.get_by_test_id("code-error").inner_text()
        # The passkey ceremony refuses too, with a JSON 403, and the refusal is written down.
        status = page.evaluate(
            """async () => (await fetch('/staff/account/webauthn/registration/begin/', {method: 'POST',
                 headers: {'Content-Type': 'application/json',
                           'X-CSRFToken': document.querySelector('[name=csrfmiddlewaretoken]').value},
                 body: '{}'})).status"""
        )
        assert status == 403
        assert TOTPDevice.objects.filter(user=owner).count() == 1
        assert AuditEntry.objects.filter(action="security.permission_denied", actor_id=owner.pk).exists()
        # Having tried, it cannot approve: the step-up wants the owner's factor.
        page.goto(release.get_staff_url())
        acknowledge_every_warning(page)
        page.get_by_role("button", name="Approve").click()
        page.get_by_role("heading", name="Confirm with your second factor").wait_for()
        page.get_by_label("Code").fill("654321")
        page.get_by_role("button", name="Confirm and approve this release").click()
        page.get_by_role("heading", name="Confirm with your second factor").wait_for()
        assert Release.objects.get(pk=release.pk).status == State.IN_REVIEW
        desk.close()
        thief.close()


def test_an_invited_user_chooses_a_password_enrols_a_factor_and_reaches_the_console(page, workflow_ready):
    admin = UserFactory(roles=[IR_ADMIN])
    sign_in(page, admin.username, PASSWORD)
    page.goto("/staff/users/new/")
    page.get_by_label("Username").fill("riley")
    page.get_by_label("Email address").fill("riley@example.test")
    page.get_by_label(IR_AUTHOR).check()
    page.get_by_role("button", name="Create and send the invitation").click()
    page.wait_for_url("**/staff/users/")
    assert "invited by email to riley@example.test" in page.content()
    [invitation] = mail.outbox
    page.get_by_role("button", name="Sign out").first.click()
    page.wait_for_url("**/staff/login/")

    page.goto(link_path(invitation))
    page.wait_for_url("**/staff/account/link/")
    choose_password(page, "Halvorsen forever 2026")
    assert "names the company" in page.content()
    choose_password(page, CHOSEN)
    page.wait_for_url("**/staff/account/two-factor/**")
    page.get_by_role("link", name="Add an authenticator app").click()
    secret = page.get_by_test_id("totp-secret").inner_text()
    page.get_by_label("Code from the app").fill(code_for(secret))
    page.get_by_role("button", name="Add").click()
    page.get_by_test_id("recovery-codes").wait_for()
    page.goto("/staff/")
    page.wait_for_url("**/staff/")
    assert User.objects.get(username="riley").check_password(CHOSEN)
    # The link worked once.
    page.goto(link_path(invitation))
    assert page.get_by_test_id("link-invalid").is_visible()


def test_a_reset_password_still_needs_the_second_factor(page, workflow_ready):
    admin = UserFactory(roles=[IR_ADMIN])
    user = UserFactory(roles=[IR_AUTHOR], enrolled=True)
    sign_in(page, admin.username, PASSWORD)
    page.goto(f"/staff/users/{user.pk}/")
    page.get_by_role("button", name="Send a password reset link").click()
    assert "was sent a link to choose a new password" in page.content()
    [message] = mail.outbox
    page.get_by_role("button", name="Sign out").first.click()
    page.wait_for_url("**/staff/login/")

    page.goto(link_path(message))
    choose_password(page, CHOSEN)
    page.wait_for_url("**/staff/login/")
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill(CHOSEN)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/staff/account/verify/**")
    page.goto("/staff/")
    page.wait_for_url("**/staff/account/verify/**")
    device = TOTPDevice.objects.get(user=user)
    page.get_by_label("Code").fill(totp_code(device))
    page.get_by_role("button", name="Verify").click()
    page.wait_for_url("**/staff/")
    assert AuditEntry.objects.filter(action="accounts.link_use", actor_id=user.pk).count() == 1
