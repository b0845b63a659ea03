"""Sessions: listed with device and address, ended by the user or an IR Admin, ended by a password change,
and timed out when idle or too old."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from irportal.accounts.models import UserSession
from irportal.accounts.roles import IR_ADMIN, IR_AUTHOR
from irportal.audit.models import AuditEntry
from tests.factories import PASSWORD, UserFactory, reauthenticate, sign_in, sign_in_both_steps

pytestmark = pytest.mark.django_db
FIREFOX = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 Firefox/128.0"
CHROME = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0 Safari/537.36"


def browser(user_agent: str, address: str) -> Client:
    return Client(HTTP_USER_AGENT=user_agent, REMOTE_ADDR=address)


def password_sign_in(client, user):
    """Both steps of the sign-in pages (every role has a second factor)."""
    response = sign_in_both_steps(client, user)
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
    reauthenticate(office, user)
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


def test_the_session_key_changes_when_the_second_factor_is_given():
    user = UserFactory(roles=[IR_AUTHOR], enrolled=True)
    client = browser(FIREFOX, "198.51.100.1")
    client.post(reverse("accounts:login"), {"username": user.username, "password": PASSWORD})
    before = client.session.session_key
    sign_in_both_steps(client, user)
    after = client.session.session_key
    assert before != after
    assert UserSession.objects.filter(session_key=after, user=user).exists()
    # The key seen before the factor no longer opens the session.
    stale = Client(HTTP_USER_AGENT=FIREFOX)
    stale.cookies["sessionid"] = before
    assert stale.get(reverse("accounts:console"))["Location"].startswith(reverse("accounts:login"))


def test_deactivating_a_user_ends_their_sessions_so_reactivation_does_not_revive_them(client):
    user = UserFactory(roles=[IR_AUTHOR])
    laptop = password_sign_in(browser(CHROME, "203.0.113.9"), user)
    admin = UserFactory(roles=[IR_ADMIN])
    sign_in(client, admin)
    form = {"first_name": user.first_name, "last_name": user.last_name, "email": user.email, "roles": [IR_AUTHOR]}
    client.post(reverse("accounts:user_update", args=[user.pk]), form)  # is_active unticked
    assert not UserSession.objects.filter(user=user).exists()
    client.post(reverse("accounts:user_update", args=[user.pk]), form | {"is_active": "on"})
    assert laptop.get(reverse("accounts:console"))["Location"].startswith(reverse("accounts:login"))
    assert AuditEntry.objects.get(action="auth.sessions_end_all").data["reason"] == "account deactivated"


def test_ending_other_sessions_needs_the_password_and_a_factor_again():
    user = UserFactory(roles=[IR_AUTHOR])
    office = password_sign_in(browser(FIREFOX, "198.51.100.1"), user)
    laptop = password_sign_in(browser(CHROME, "203.0.113.9"), user)
    response = laptop.post(reverse("accounts:sessions_end_others"))  # a stolen session signing the owner out
    assert response["Location"].startswith(reverse("accounts:reauthenticate"))
    assert office.get(reverse("accounts:console")).status_code == 200
    assert AuditEntry.objects.filter(action="security.permission_denied", actor_id=user.pk).count() == 1
    own = UserSession.objects.get(session_key=laptop.session.session_key)
    assert laptop.post(reverse("accounts:session_end", args=[own.pk]))["Location"] == reverse("accounts:sessions")
    reauthenticate(office, user)
    office.post(reverse("accounts:sessions_end_others"))
    assert UserSession.objects.filter(user=user).count() == 1


def test_a_user_has_at_most_the_session_limit_the_least_recently_used_ends(settings):
    settings.SESSION_LIMIT = 2
    user = UserFactory(roles=[IR_AUTHOR])
    start = timezone.now()
    clients = []
    for n, address in enumerate(["198.51.100.1", "198.51.100.2", "198.51.100.3"]):
        with time_machine.travel(start + timedelta(minutes=2 * n), tick=False):
            clients.append(password_sign_in(browser(FIREFOX, address), user))
    assert UserSession.objects.filter(user=user).count() == 2
    with time_machine.travel(start + timedelta(minutes=5), tick=False):
        assert clients[0].get(reverse("accounts:console"))["Location"].startswith(reverse("accounts:login"))
        assert clients[2].get(reverse("accounts:console")).status_code == 200
    assert AuditEntry.objects.get(action="auth.session_end").data["reason"] == "session limit"


@pytest.mark.parametrize("how", ["sign out other sessions", "password change"])
def test_the_private_calendar_feed_ends_with_the_other_sessions(how):
    user = UserFactory(roles=[IR_AUTHOR])
    office = password_sign_in(browser(FIREFOX, "198.51.100.1"), user)
    page = office.post(reverse("console:calendar_feed_manage"), {"action": "create"}, follow=True)
    feed = re.search(r"/feeds/calendar/[^\s<]+\.ics", page.content.decode()).group(0)
    assert Client().get(feed).status_code == 200
    if how == "password change":
        new = "a new long passphrase 42"
        office.post(
            reverse("accounts:password_change"),
            {"old_password": PASSWORD, "new_password1": new, "new_password2": new},
        )
    else:
        reauthenticate(office, user)
        office.post(reverse("accounts:sessions_end_others"))
    assert Client().get(feed).status_code == 404
    assert AuditEntry.objects.get(action="calendar.feed_revoke").data["reason"] in (
        "password change",
        "ended by the user",
    )
