"""An approver's first sign-in, enrolment, sign-in with a code, step-up at approval, and a recovery code."""

import base64
import re
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django_otp.oath import TOTP

from irportal.accounts import links
from irportal.accounts.models import AccountLink
from irportal.accounts.roles import IR_APPROVER, IR_AUTHOR
from irportal.audit.models import AuditEntry
from irportal.workflow.models import State
from releases.models import Release
from releases.workflow import release_submit
from tests.browser.conftest import acknowledge_every_warning
from tests.factories import PASSWORD, UserFactory, make_release

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def code_for(secret: str) -> str:
    key = base64.b32decode(secret + "=" * (-len(secret) % 8))
    return f"{TOTP(key).token():06d}"


def password_step(page, username):
    page.goto("/staff/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def sign_out(page):
    page.get_by_role("button", name="Sign out").first.click()
    page.wait_for_url("**/staff/login/")


def test_approver_enrols_signs_in_with_a_code_is_asked_again_at_approval_and_uses_a_recovery_code_once(
    page, workflow_ready
):
    author = UserFactory(roles=[IR_AUTHOR])
    approver = UserFactory(roles=[IR_APPROVER])
    release = make_release(author)
    release_submit(release_id=release.pk, actor=author)

    with time_machine.travel(datetime.now(UTC), tick=True) as clock:
        # No factor yet: the console is out of reach, and the password alone cannot enrol one.
        password_step(page, approver.username)
        page.wait_for_url("**/staff/account/two-factor/**")
        assert page.get_by_test_id("enrolment-needs-link").is_visible()
        page.goto("/staff/releases/")
        page.wait_for_url("**/staff/account/two-factor/**")

        # The set-up link from the IR Admin's email: choose the password, then add the app.
        _, token = links.link_create(actor=None, user=approver, purpose=AccountLink.Purpose.INVITATION)
        page.goto(f"/staff/account/link/{token}/")
        page.locator("#id_new_password1").fill(PASSWORD)
        page.locator("#id_new_password2").fill(PASSWORD)
        page.get_by_role("button", name="Set my password").click()
        page.wait_for_url("**/staff/account/two-factor/**")
        assert page.get_by_test_id("enrolment-required").is_visible()
        page.get_by_role("link", name="Add an authenticator app").click()
        secret = page.get_by_test_id("totp-secret").inner_text()
        page.get_by_label("Code from the app").fill(code_for(secret))
        page.get_by_role("button", name="Add").click()
        codes = re.findall(r"\b[a-z0-9-]{29}\b", page.get_by_test_id("recovery-codes").locator("ul").inner_text())
        assert len(codes) == 10

        # Sign out, then in again with the password and a code (a new one: each code works once).
        sign_out(page)
        clock.shift(timedelta(seconds=40))
        password_step(page, approver.username)
        page.wait_for_url("**/staff/account/verify/**")
        page.get_by_label("Code").fill("000000")
        page.get_by_role("button", name="Verify").click()
        assert "not right" in page.get_by_test_id("code-error").inner_text()
        assert AuditEntry.objects.filter(
            action="auth.login_failed", actor_id=approver.pk, data__step="second_factor"
        ).exists()
        clock.shift(timedelta(seconds=5))
        page.get_by_label("Code").fill(code_for(secret))
        page.get_by_role("button", name="Verify").click()
        page.wait_for_url("**/staff/")

        # Past the step-up window, Approve asks for the code again and keeps the comment typed.
        clock.shift(timedelta(minutes=6))
        page.goto(f"/staff/releases/{release.pk}/")
        page.get_by_label("Comment (optional)").fill("Figures tie out to the 10-Q")
        acknowledge_every_warning(page)
        page.get_by_role("button", name="Approve").click()
        page.get_by_role("heading", name="Confirm with your second factor").wait_for()
        assert Release.objects.get(pk=release.pk).status == State.IN_REVIEW
        page.get_by_label("Code").fill(code_for(secret))
        page.get_by_role("button", name="Confirm and approve this release").click()
        page.get_by_test_id("status").wait_for()
        assert page.get_by_test_id("status").inner_text() == "Approved"
        entry = AuditEntry.objects.get(action="release.approve")
        assert entry.data["step_up"]["factor"] == "totp" and entry.data["content_hash"]
        assert "Figures tie out to the 10-Q" in page.content()

        # A recovery code signs in once.
        sign_out(page)
        password_step(page, approver.username)
        page.wait_for_url("**/staff/account/verify/**")
        page.get_by_label("Code").fill(codes[0])
        page.get_by_role("button", name="Verify").click()
        page.wait_for_url("**/staff/")
        sign_out(page)
        clock.shift(timedelta(seconds=5))
        password_step(page, approver.username)
        page.wait_for_url("**/staff/account/verify/**")
        page.get_by_label("Code").fill(codes[0])
        page.get_by_role("button", name="Verify").click()
        assert "not right" in page.get_by_test_id("code-error").inner_text()
