"""Invitations, password resets and factor resets: one-time links where users choose their own password."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from irportal.accounts.models import AccountLink
from irportal.accounts.roles import IR_ADMIN, IR_AUTHOR
from irportal.audit.models import AuditEntry
from tests.factories import UserFactory, make_company, sign_in, totp_code

pytestmark = pytest.mark.django_db
User = get_user_model()
NEW_PASSWORD = "copper kettle under a violet moon"


def link_in(message) -> str:
    return re.search(r"https?://\S+/staff/account/link/\S+/", message.body).group(0)


def path_of(url: str) -> str:
    return "/" + url.split("://", 1)[1].split("/", 1)[1]


@pytest.fixture
def admin(client):
    make_company()
    admin = UserFactory(roles=[IR_ADMIN])
    sign_in(client, admin)
    return admin


def test_an_admin_invites_a_user_who_chooses_their_own_password(client, admin, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("accounts:user_create"),
            {"username": "avery", "first_name": "Avery", "last_name": "Lind", "email": "avery@example.test",
             "roles": [IR_AUTHOR]},
        )  # fmt: skip
    assert response.status_code == 302
    user = User.objects.get(username="avery")
    assert not user.has_usable_password()
    [invitation] = mail.outbox
    assert invitation.to == ["avery@example.test"] and "username is avery" in invitation.body
    assert AuditEntry.objects.get(action="accounts.link_create").data["purpose"] == "invitation"

    browser = Client()
    opened = browser.get(path_of(link_in(invitation)))
    # The token leaves the address at once (no referrer, no history carries it).
    assert opened.status_code == 302 and opened["Location"] == reverse("accounts:link_password")
    page = browser.get(reverse("accounts:link_password"))
    assert page.status_code == 200 and "avery" in page.content.decode()
    weak = browser.post(
        reverse("accounts:link_password"),
        {"new_password1": "Halvorsen 2026 rocks", "new_password2": "Halvorsen 2026 rocks"},
    )
    assert weak.status_code == 400 and "names the company" in weak.content.decode()
    done = browser.post(
        reverse("accounts:link_password"), {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    )
    assert done.status_code == 302 and done["Location"] == reverse("accounts:mfa_setup")
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    assert AuditEntry.objects.get(action="accounts.link_use").actor_id == user.pk
    # Signed in to add a first factor, and to nothing else until then.
    assert browser.get(reverse("accounts:console"))["Location"].startswith(reverse("accounts:mfa_setup"))
    # The link worked once.
    again = Client().get(path_of(link_in(invitation)))
    assert again.status_code == 404 and "does not work" in again.content.decode()


def test_a_password_reset_link_never_stands_in_for_the_second_factor(client, admin, django_capture_on_commit_callbacks):
    user = UserFactory(roles=[IR_AUTHOR], enrolled=True)
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(reverse("accounts:user_password_reset", args=[user.pk])).status_code == 302
    [message] = mail.outbox
    assert message.to == [user.email]
    entry = AuditEntry.objects.get(action="accounts.link_create")
    assert (entry.actor_id, entry.object_id, entry.data["purpose"]) == (admin.pk, str(user.pk), "password_reset")

    browser = Client()
    browser.get(path_of(link_in(message)))
    done = browser.post(
        reverse("accounts:link_password"), {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    )
    assert done["Location"] == reverse("accounts:login")
    assert browser.get(reverse("accounts:console"))["Location"].startswith(reverse("accounts:login"))
    signed = browser.post(reverse("accounts:login"), {"username": user.username, "password": NEW_PASSWORD})
    assert signed["Location"].startswith(reverse("accounts:mfa_verify"))
    assert browser.get(reverse("accounts:console"))["Location"].startswith(reverse("accounts:mfa_verify"))


def test_choosing_a_password_through_a_link_ends_the_users_other_sessions(client, admin):
    user = UserFactory(roles=[IR_AUTHOR], enrolled=True)
    elsewhere = Client()
    sign_in(elsewhere, user)
    assert elsewhere.get(reverse("accounts:console")).status_code == 200
    from irportal.accounts import links

    _, token = links.link_create(actor=admin, user=user, purpose=AccountLink.Purpose.PASSWORD_RESET)
    browser = Client()
    browser.get(reverse("accounts:link_open", args=[token]))
    browser.post(reverse("accounts:link_password"), {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert elsewhere.get(reverse("accounts:console"))["Location"].startswith(reverse("accounts:login"))


def test_a_link_expires_and_a_newer_one_ends_the_older(client, admin, django_capture_on_commit_callbacks, settings):
    user = UserFactory(roles=[IR_AUTHOR], enrolled=True)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("accounts:user_password_reset", args=[user.pk]))
        client.post(reverse("accounts:user_password_reset", args=[user.pk]))
    first, second = (path_of(link_in(message)) for message in mail.outbox)
    assert Client().get(first).status_code == 404
    assert Client().get(second).status_code == 302
    with time_machine.travel(timezone.now() + timedelta(hours=settings.ACCOUNT_LINK_HOURS, minutes=1)):
        assert Client().get(second).status_code == 404


def test_a_user_without_an_email_address_gets_no_link_and_the_admin_is_told(client, admin):
    user = UserFactory(roles=[IR_AUTHOR], email="")
    response = client.post(reverse("accounts:user_password_reset", args=[user.pk]), follow=True)
    assert "has no email address" in response.content.decode()
    assert not AccountLink.objects.exists()


def test_an_operator_prints_a_link_for_the_first_admin(capsys):
    user = UserFactory(roles=[IR_ADMIN], email="")
    call_command("account_link", user.username)
    address = capsys.readouterr().out.strip().splitlines()[-1]
    assert Client().get(path_of(address)).status_code == 302
    entry = AuditEntry.objects.get(action="accounts.link_create")
    assert (entry.actor_id, entry.actor_label, entry.data["purpose"]) == (None, "system", "invitation")


def test_changing_a_users_address_asks_for_a_fresh_factor_and_tells_the_old_one(
    client, django_capture_on_commit_callbacks
):
    admin = UserFactory(roles=[IR_ADMIN])
    target = UserFactory(roles=[IR_AUTHOR], email="old@example.test")
    sign_in(client, admin, verified_at=timezone.now() - timedelta(minutes=10))
    data = {"first_name": target.first_name, "last_name": target.last_name, "email": "new@example.test",
            "is_active": "on", "roles": [IR_AUTHOR]}  # fmt: skip
    url = reverse("accounts:user_update", args=[target.pk])
    assert client.post(url, data).status_code == 403
    code = totp_code(TOTPDevice.objects.get(user=admin))
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(url, data | {"second_factor_code": code}).status_code == 302
    [notice] = mail.outbox
    assert notice.to == ["old@example.test"] and "new@example.test" in notice.body


def test_the_lockout_page_says_how_a_forgotten_password_is_replaced(client, settings):
    UserFactory(username="victim")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        response = client.post(reverse("accounts:login"), {"username": "victim", "password": "wrong"})
    text = response.context["lockout_message"]
    assert "ask an IR Admin to send you a link to choose a new one" in text
    assert "reset your password" not in text


def test_the_admin_no_longer_types_a_password(client, admin):
    page = client.get(reverse("accounts:user_create")).content.decode()
    assert 'name="password1"' not in page and 'type="password"' not in page
