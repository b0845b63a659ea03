import re

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from irportal.accounts.roles import COMPLIANCE_REVIEWER, IR_ADMIN, IR_APPROVER, IR_AUTHOR
from irportal.audit.models import AuditEntry
from tests.factories import PASSWORD, UserFactory, sign_in

pytestmark = pytest.mark.django_db
User = get_user_model()

STAFF_PAGES = {
    "accounts:console": {IR_AUTHOR, IR_APPROVER, COMPLIANCE_REVIEWER, IR_ADMIN},
    "accounts:password_change": {IR_AUTHOR, IR_APPROVER, COMPLIANCE_REVIEWER, IR_ADMIN},
    "accounts:user_list": {IR_ADMIN},
    "accounts:user_create": {IR_ADMIN},
    "company:profile_edit": {IR_ADMIN},
    "audit:log": {COMPLIANCE_REVIEWER, IR_ADMIN},
    "stock_console:prices": {IR_AUTHOR, IR_APPROVER, COMPLIANCE_REVIEWER, IR_ADMIN},
}

NAVIGATION = {
    IR_AUTHOR: [
        *("Dashboard", "Packages", "Releases", "Documents", "Events", "People", "Committees", "Calendar"),
        *("Contacts", "Boilerplates", "Newswire", "Stock"),
    ],
    IR_APPROVER: [
        *("Dashboard", "Packages", "Releases", "Documents", "Events", "People", "Committees", "Calendar"),
        *("Contacts", "Boilerplates", "Newswire", "Stock"),
    ],
    COMPLIANCE_REVIEWER: [
        "Dashboard",
        "Packages",
        "Releases",
        "Documents",
        "Events",
        "People",
        "Committees",
        "Calendar",
        "Newswire",
        "Stock",
        "Audit log",
        "Email alerts",
    ],
    IR_ADMIN: [
        "Dashboard",
        "Packages",
        "Releases",
        "Documents",
        "Events",
        "People",
        "Committees",
        "Calendar",
        "Contacts",
        "Boilerplates",
        "Newswire",
        "Stock",
        "Audit log",
        "Email alerts",
        "Users",
        "Approval steps",
        "Company profile",
        "Make this portal yours",
    ],
}


def login_form(client, username, password):
    return client.post(
        reverse("accounts:login"), {"username": username, "password": password}, REMOTE_ADDR="198.51.100.7"
    )


def test_good_login_is_audited_with_the_address(client):
    user = UserFactory(roles=[IR_AUTHOR])
    response = login_form(client, user.username, PASSWORD)
    assert response.status_code == 302
    entry = AuditEntry.objects.get(action="auth.login")
    assert (entry.actor_id, entry.ip) == (user.pk, "198.51.100.7")


def test_wrong_password_is_a_form_error_and_an_audit_entry(client):
    user = UserFactory(roles=[IR_AUTHOR])
    response = login_form(client, user.username, "wrong password")
    assert response.status_code == 200
    assert "Please enter a correct username and password" in response.content.decode()
    entry = AuditEntry.objects.get(action="auth.login_failed")
    assert entry.data == {"username": user.username}
    assert entry.ip == "198.51.100.7"


def test_unknown_user_gets_the_same_answer_as_a_wrong_password(client):
    UserFactory(username="known")
    known = login_form(client, "known", "wrong password")
    unknown = login_form(client, "nobody", "wrong password")
    assert known.status_code == unknown.status_code == 200
    assert known.context["form"].errors == unknown.context["form"].errors


def test_logout_is_audited(client):
    user = UserFactory(roles=[IR_AUTHOR])
    sign_in(client, user)
    client.post(reverse("accounts:logout"))
    assert AuditEntry.objects.filter(action="auth.logout", actor_id=user.pk).count() == 1


def test_password_change_is_audited(client):
    user = UserFactory(roles=[IR_AUTHOR])
    sign_in(client, user)
    response = client.post(
        reverse("accounts:password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "a new long passphrase 42",
            "new_password2": "a new long passphrase 42",
        },
    )
    assert response.status_code == 302
    assert AuditEntry.objects.filter(action="auth.password_change", actor_id=user.pk).count() == 1


@pytest.mark.parametrize("url_name", list(STAFF_PAGES))
@pytest.mark.parametrize("role", [IR_AUTHOR, IR_APPROVER, COMPLIANCE_REVIEWER, IR_ADMIN, None])
def test_staff_page_permissions_are_checked_on_the_server(client, url_name, role):
    url = reverse(url_name)
    if role is None:
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))
        return
    user = UserFactory(roles=[role])
    sign_in(client, user)
    response = client.get(url)
    if role in STAFF_PAGES[url_name]:
        assert response.status_code == 200
    else:
        assert response.status_code == 403
        denial = AuditEntry.objects.get(action="security.permission_denied")
        assert (denial.actor_id, denial.data["path"]) == (user.pk, url)


@pytest.mark.parametrize("role", list(NAVIGATION))
def test_navigation_shows_each_role_only_what_it_may_use(client, role):
    sign_in(client, UserFactory(roles=[role]))
    response = client.get(reverse("accounts:console"))
    navigation = re.search(r'<ul[^>]*data-testid="staff-nav">(.*?)</ul>', response.content.decode(), re.S).group(1)
    assert re.findall(r'class="nav-link[^"]*"[^>]*>([^<]+)</a>', navigation) == NAVIGATION[role]


def test_admin_creates_a_user_with_a_role_and_it_is_audited(client):
    admin = UserFactory(roles=[IR_ADMIN])
    sign_in(client, admin)
    response = client.post(
        reverse("accounts:user_create"),
        {
            "username": "newauthor",
            "first_name": "New",
            "last_name": "Author",
            "email": "new@example.test",
            "roles": [IR_AUTHOR],
            "password1": "a long enough passphrase 7",
            "password2": "a long enough passphrase 7",
        },
    )
    assert response.status_code == 302
    created = User.objects.get(username="newauthor")
    assert list(created.groups.values_list("name", flat=True)) == [IR_AUTHOR]
    entry = AuditEntry.objects.get(action="accounts.user_create")
    assert entry.changes["roles"] == {"before": None, "after": [IR_AUTHOR]}
    assert entry.actor_id == admin.pk


def test_role_change_is_audited_with_before_and_after(client):
    admin = UserFactory(roles=[IR_ADMIN])
    target = UserFactory(roles=[IR_AUTHOR])
    sign_in(client, admin)
    response = client.post(
        reverse("accounts:user_update", args=[target.pk]),
        {
            "first_name": target.first_name,
            "last_name": target.last_name,
            "email": target.email,
            "is_active": "on",
            "roles": [IR_APPROVER],
        },
    )
    assert response.status_code == 302
    entry = AuditEntry.objects.get(action="accounts.roles_change")
    assert entry.changes == {"roles": {"before": [IR_AUTHOR], "after": [IR_APPROVER]}}
    assert not AuditEntry.objects.filter(action="accounts.user_update").exists()


def test_admin_cannot_remove_their_own_admin_role(client):
    admin = UserFactory(roles=[IR_ADMIN])
    sign_in(client, admin)
    response = client.post(
        reverse("accounts:user_update", args=[admin.pk]),
        {"first_name": "A", "last_name": "B", "email": admin.email, "is_active": "on", "roles": [IR_AUTHOR]},
    )
    assert response.status_code == 200
    assert "cannot remove your own IR Admin role" in response.content.decode()
    assert admin.groups.filter(name=IR_ADMIN).exists()
    assert not AuditEntry.objects.filter(action__startswith="accounts.").exists()


def test_unknown_user_id_is_a_404_not_a_500(client):
    sign_in(client, UserFactory(roles=[IR_ADMIN]))
    assert client.get(reverse("accounts:user_update", args=[999999])).status_code == 404


# Sign-in throttling (django-axes)


def fail_until_locked(client, username, address="198.51.100.7"):
    from django.conf import settings

    responses = [
        client.post(reverse("accounts:login"), {"username": username, "password": "wrong"}, REMOTE_ADDR=address)
        for _ in range(settings.AXES_FAILURE_LIMIT)
    ]
    return responses


def test_repeated_failures_lock_the_username_from_that_address(client):
    user = UserFactory(roles=[IR_AUTHOR])
    responses = fail_until_locked(client, user.username)
    assert [r.status_code for r in responses[:-1]] == [200] * (len(responses) - 1)
    assert responses[-1].status_code == 429
    assert "Too many failed sign-in attempts" in responses[-1].content.decode()
    right_password = login_form(client, user.username, PASSWORD)
    assert right_password.status_code == 429
    assert not AuditEntry.objects.filter(action="auth.login").exists()


def test_lockout_is_audited_once_with_the_username_and_address(client):
    user = UserFactory(roles=[IR_AUTHOR])
    fail_until_locked(client, user.username)
    login_form(client, user.username, "still wrong")
    lockout = AuditEntry.objects.get(action="security.lockout")
    assert (lockout.data["username"], lockout.ip, lockout.actor_label) == (user.username, "198.51.100.7", "anonymous")
    assert AuditEntry.objects.filter(action="auth.login_failed").count() == 6


def test_lockout_answers_the_same_for_an_unknown_username(client):
    UserFactory(username="known")
    known = fail_until_locked(client, "known")[-1]
    unknown = fail_until_locked(client, "nobody")[-1]
    assert known.status_code == unknown.status_code == 429
    assert known.context["lockout_message"] == unknown.context["lockout_message"]

    def page(response, username):
        html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", response.content.decode())
        return html.replace(username, "?")

    assert page(known, "known") == page(unknown, "nobody")


def test_lockout_does_not_block_the_same_user_from_another_address(client):
    user = UserFactory(roles=[IR_AUTHOR])
    fail_until_locked(client, user.username, address="198.51.100.7")
    response = client.post(
        reverse("accounts:login"), {"username": user.username, "password": PASSWORD}, REMOTE_ADDR="203.0.113.20"
    )
    assert response.status_code == 302


def test_lockout_ends_after_the_cool_off(client):
    from datetime import timedelta

    import time_machine
    from django.conf import settings
    from django.utils import timezone

    user = UserFactory(roles=[IR_AUTHOR])
    fail_until_locked(client, user.username)
    with time_machine.travel(timezone.now() + settings.AXES_COOLOFF_TIME + timedelta(minutes=1)):
        if settings.AXES_HANDLER.endswith("AxesCacheHandler"):
            pytest.skip("the Redis cache expires the counter on its own clock, not the test's")
        assert login_form(client, user.username, PASSWORD).status_code == 302


def test_successful_sign_in_resets_the_failure_count(client):
    from django.conf import settings

    user = UserFactory(roles=[IR_AUTHOR])
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        login_form(client, user.username, "wrong")
    assert login_form(client, user.username, PASSWORD).status_code == 302
    client.post(reverse("accounts:logout"))
    assert login_form(client, user.username, "wrong").status_code == 200


def test_the_dashboard_shows_a_red_line_while_beat_is_late(client):
    import datetime as dt

    import time_machine

    from irportal.ops import heartbeat

    swept_at = dt.datetime(2026, 12, 8, 14, 0, 0, tzinfo=dt.UTC)
    heartbeat.record(heartbeat.BEAT, now=swept_at)
    author = UserFactory(roles=[IR_AUTHOR])
    with time_machine.travel(swept_at + dt.timedelta(seconds=45), tick=False):
        sign_in(client, author)
        assert 'id="beat-late"' not in client.get(reverse("accounts:console")).content.decode()
    with time_machine.travel(swept_at + dt.timedelta(minutes=5), tick=False):
        page = client.get(reverse("accounts:console")).content.decode()
    assert 'class="alert alert-danger" role="alert" id="beat-late"' in page
    assert "Scheduled publishing is not running" in page
    assert "last heartbeat 300 s ago" in page
