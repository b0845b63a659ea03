"""Sessions: listed with device and address, ended by the user or an IR Admin, ended by a password change,
and timed out when idle or too old."""

from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from irportal.accounts.models import UserSession
from irportal.accounts.roles import IR_ADMIN, IR_AUTHOR
from irportal.audit.models import AuditEntry
from tests.factories import PASSWORD, UserFactory, sign_in

pytestmark = pytest.mark.django_db
FIREFOX = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 Firefox/128.0"
CHROME = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0 Safari/537.36"


def browser(user_agent: str, address: str) -> Client:
    return Client(HTTP_USER_AGENT=user_agent, REMOTE_ADDR=address)


def password_sign_in(client, user):
    response = client.post(reverse("accounts:login"), {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302
    return client


def test_the_session_list_shows_device_address_and_marks_this_one():
    user = UserFactory(roles=[IR_AUTHOR])
    office = password_sign_in(browser(FIREFOX, "198.51.100.1"), user)
    password_sign_in(browser(CHROME, "203.0.113.9"), user)
    page = office.get(reverse("accounts:sessions")).content.decode()
    assert "Firefox on Windows" in page and "Chrome on Linux" in page and "203.0.113.9" in page
    current = page.split('data-current="true"')[1].split("</tr>")[0]
    assert "Firefox on Windows" in current and "this session" in current


def test_ending_a_session_signs_that_browser_out_on_its_next_request():
    user = UserFactory(roles=[IR_AUTHOR])
    office = password_sign_in(browser(FIREFOX, "198.51.100.1"), user)
    laptop = password_sign_in(browser(CHROME, "203.0.113.9"), user)
    assert laptop.get(reverse("accounts:console")).status_code == 200
    other = UserSession.objects.get(user=user, ip="203.0.113.9")
    office.post(reverse("accounts:session_end", args=[other.pk]))
    assert laptop.get(reverse("accounts:console"))["Location"].startswith(reverse("accounts:login"))
    assert office.get(reverse("accounts:console")).status_code == 200
    assert AuditEntry.objects.get(action="auth.session_end").data["ip"] == "203.0.113.9"


def test_a_password_change_ends_the_other_sessions_and_keeps_this_one():
    user = UserFactory(roles=[IR_AUTHOR])
    office = password_sign_in(browser(FIREFOX, "198.51.100.1"), user)
    laptop = password_sign_in(browser(CHROME, "203.0.113.9"), user)
    new = "a new long passphrase 42"
    response = office.post(
        reverse("accounts:password_change"),
        {"old_password": PASSWORD, "new_password1": new, "new_password2": new},
    )
    assert response.status_code == 302
    assert office.get(reverse("accounts:console")).status_code == 200
    assert laptop.get(reverse("accounts:console"))["Location"].startswith(reverse("accounts:login"))
    assert UserSession.objects.filter(user=user).count() == 1
    assert AuditEntry.objects.get(action="auth.sessions_end_all").data["reason"] == "password change"


def test_an_admin_ends_every_session_of_a_user(client):
    user = UserFactory(roles=[IR_AUTHOR])
    laptop = password_sign_in(browser(CHROME, "203.0.113.9"), user)
    sign_in(client, UserFactory(roles=[IR_ADMIN]))
    client.post(reverse("accounts:user_sessions_end", args=[user.pk]))
    assert laptop.get(reverse("accounts:console"))["Location"].startswith(reverse("accounts:login"))
    assert AuditEntry.objects.get(action="auth.sessions_end_all").object_id == str(user.pk)


def test_an_idle_session_ends_before_the_absolute_limit(settings):
    settings.SESSION_IDLE_SECONDS = 600
    user = UserFactory(roles=[IR_AUTHOR])
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        client = password_sign_in(browser(FIREFOX, "198.51.100.1"), user)
    with time_machine.travel(start + timedelta(minutes=9), tick=False):
        assert client.get(reverse("accounts:console")).status_code == 200
    with time_machine.travel(start + timedelta(minutes=20), tick=False):
        assert client.get(reverse("accounts:console"))["Location"].startswith(reverse("accounts:login"))
    assert AuditEntry.objects.get(action="auth.session_timeout").data == {"reason": "idle"}


def test_a_busy_session_still_ends_at_the_absolute_limit(settings):
    settings.SESSION_IDLE_SECONDS = 600
    settings.SESSION_COOKIE_AGE = 3600
    user = UserFactory(roles=[IR_AUTHOR])
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        client = password_sign_in(browser(FIREFOX, "198.51.100.1"), user)
    for minutes in range(5, 60, 5):
        with time_machine.travel(start + timedelta(minutes=minutes), tick=False):
            assert client.get(reverse("accounts:console")).status_code == 200
    with time_machine.travel(start + timedelta(minutes=61), tick=False):
        assert client.get(reverse("accounts:console"))["Location"].startswith(reverse("accounts:login"))
    assert AuditEntry.objects.get(action="auth.session_timeout").data == {"reason": "absolute"}
