"""Passkeys: enrolled in the browser with a virtual security key, then used to sign in and to confirm an approval."""

import pytest
from django.contrib.auth import get_user_model
from django_otp_webauthn.models import WebAuthnCredential
from playwright.sync_api import expect

from irportal.accounts import mfa
from irportal.accounts.roles import IR_APPROVER, IR_AUTHOR
from irportal.audit.models import AuditEntry
from releases.workflow import release_submit
from tests.browser.conftest import confirm_it_is_you, sign_in
from tests.factories import PASSWORD, UserFactory, make_release

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def security_key(page, live_server, settings):
    """A virtual FIDO2 key in this browser (Chrome's WebAuthn domain), and the site's origin trusted for it."""
    settings.OTP_WEBAUTHN_ALLOWED_ORIGINS = [live_server.url]
    settings.OTP_WEBAUTHN_RP_ID = "localhost"
    session = page.context.new_cdp_session(page)
    session.send("WebAuthn.enable")
    authenticator = session.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "usb",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
                "automaticPresenceSimulation": True,
            }
        },
    )
    yield authenticator["authenticatorId"]
    session.send("WebAuthn.removeVirtualAuthenticator", {"authenticatorId": authenticator["authenticatorId"]})


def test_a_passkey_is_added_then_signs_in_instead_of_a_code(page, live_server, workflow_ready, security_key):
    approver = UserFactory(roles=[IR_APPROVER], username="morgan")
    sign_in(page, approver.username, PASSWORD)  # with the authenticator app the role needs
    confirm_it_is_you(page, approver.username, PASSWORD)
    page.get_by_role("button", name="Add a passkey or security key").click()
    credential = None
    for _ in range(100):
        credential = WebAuthnCredential.objects.filter(user=approver).first()
        if credential is not None:
            break
        page.wait_for_timeout(100)
    assert credential is not None
    enrolled = AuditEntry.objects.filter(action="mfa.enrol", actor_id=approver.pk).order_by("-sequence").first()
    assert enrolled.data["factor"] == "webauthn"
    page.wait_for_load_state("networkidle")

    page.get_by_role("button", name="Sign out").first.click()
    page.wait_for_url("**/staff/login/")
    page.get_by_label("Username").fill(approver.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/staff/account/verify/**")
    page.get_by_role("button", name="Use a passkey or security key").click()
    page.wait_for_url("**/staff/")
    used = AuditEntry.objects.filter(action="mfa.verify", actor_id=approver.pk).order_by("-sequence").first()
    assert used is not None and used.data.get("factor") == "webauthn"


def test_an_approval_is_confirmed_with_a_passkey(page, live_server, workflow_ready, security_key):
    author = UserFactory(roles=[IR_AUTHOR])
    approver = UserFactory(roles=[IR_APPROVER], username="jordan")
    release = make_release(author)
    release_submit(release_id=release.pk, actor=author)
    sign_in(page, approver.username, PASSWORD)
    confirm_it_is_you(page, approver.username, PASSWORD)
    page.get_by_role("button", name="Add a passkey or security key").click()
    for _ in range(100):
        if WebAuthnCredential.objects.filter(user=approver).exists():
            break
        page.wait_for_timeout(100)
    page.wait_for_load_state("networkidle")
    # Make the last factor check old, so approving asks for it again.
    from django.contrib.sessions.models import Session

    for session in Session.objects.all():
        data = session.get_decoded()
        if str(data.get("_auth_user_id")) == str(get_user_model().objects.get(username="jordan").pk):
            data[mfa.VERIFIED_AT] = "2000-01-01T00:00:00+00:00"
            session.session_data = Session.objects.encode(data)
            session.save()
    page.goto(release.get_staff_url())
    for box in page.get_by_test_id("approve-form").get_by_role("checkbox").all():
        box.check()
    page.get_by_role("button", name="Approve").click()
    page.get_by_role("heading", name="Confirm with your second factor").wait_for()
    page.get_by_role("button", name="Use a passkey or security key").click()
    expect(page.get_by_test_id("status")).to_have_text("Approved")
    entry = AuditEntry.objects.get(action="release.approve", object_id=str(release.pk))
    assert entry.data["step_up"]["factor"] == "webauthn"
