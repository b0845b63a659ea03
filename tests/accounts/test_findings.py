"""Sign-in hardening: reserved actor names, redirects that stay on the site, password spraying per address."""

import pytest
from django.urls import reverse

from irportal.accounts.roles import COMPLIANCE_REVIEWER, IR_ADMIN, IR_APPROVER, IR_AUTHOR
from irportal.audit.models import AuditEntry
from tests.factories import PASSWORD, UserFactory, sign_in, sign_in_both_steps

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "name",
    ["system", "System", "SYSTEM", "\uff53\uff59\uff53\uff54\uff45\uff4d", "sweep", "Celery", "root", "anonymous"],
)
def test_the_system_names_cannot_be_given_to_a_user(client, name):
    sign_in(client, UserFactory(roles=[IR_ADMIN]))
    response = client.post(
        reverse("accounts:user_create"),
        {"username": name, "password1": "a long passphrase 4242", "password2": "a long passphrase 4242"},
    )
    assert response.status_code == 200
    assert "reserved" in response.content.decode()
    assert not AuditEntry.objects.filter(action="accounts.user_create").exists()


OFF_SITE = ["%2F%2Fevil.example", "//evil.example", "\u3002evil.example", "/\\evil.example", "https://evil.example/"]


@pytest.mark.parametrize("next_value", OFF_SITE)
def test_sign_in_never_sends_the_user_off_site(client, next_value):
    user = UserFactory(roles=[IR_AUTHOR], enrolled=True)
    url = f"{reverse('accounts:login')}?next={next_value}"
    response = client.post(url, {"username": user.username, "password": PASSWORD, "next": next_value})
    assert response["Location"] == reverse("accounts:mfa_verify")
    response = sign_in_both_steps(client, user, next_url=next_value)
    assert response["Location"] == reverse("accounts:console")
    # Already signed in: the sign-in page redirects, and stays on the site too.
    response = client.get(url)
    assert response.status_code == 302 and response["Location"] == reverse("accounts:console")


@pytest.mark.parametrize("next_value", OFF_SITE)
def test_sign_out_never_sends_the_user_off_site(client, next_value):
    sign_in(client, UserFactory(roles=[IR_AUTHOR]))
    response = client.post(f"{reverse('accounts:logout')}?next={next_value}", {"next": next_value})
    assert response["Location"] == reverse("accounts:login")


def test_a_local_next_is_kept(client):
    user = UserFactory(roles=[IR_AUTHOR])
    assert sign_in_both_steps(client, user, next_url="/staff/releases/")["Location"] == "/staff/releases/"


def test_password_spraying_from_one_address_is_stopped_across_usernames(client, settings):
    settings.SIGN_IN_ADDRESS_FAILURE_LIMIT = 6
    real = UserFactory(roles=[IR_AUTHOR])
    statuses = []
    for n in range(8):
        response = client.post(
            reverse("accounts:login"),
            {"username": f"guess{n}", "password": "Winter2026!"},
            REMOTE_ADDR="203.0.113.50",
        )
        statuses.append(response.status_code)
    assert statuses == [200] * 6 + [429, 429]
    assert AuditEntry.objects.filter(action="security.lockout", data__scope="address").count() == 2
    # Even the right password waits; another address is not affected.
    blocked = client.post(
        reverse("accounts:login"), {"username": real.username, "password": PASSWORD}, REMOTE_ADDR="203.0.113.50"
    )
    assert blocked.status_code == 429
    other = client.post(
        reverse("accounts:login"), {"username": real.username, "password": PASSWORD}, REMOTE_ADDR="198.51.100.9"
    )
    assert other.status_code == 302


@pytest.mark.parametrize("role", [IR_AUTHOR, IR_APPROVER, COMPLIANCE_REVIEWER, IR_ADMIN])
def test_every_staff_role_needs_a_second_factor_by_default(client, role):
    """Authors hold unpublished text and compliance exports personal data: a password alone reaches nothing."""
    user = UserFactory(roles=[role])
    response = client.post(reverse("accounts:login"), {"username": user.username, "password": PASSWORD})
    assert response["Location"].startswith(reverse("accounts:mfa_setup"))
    for url in (
        reverse("accounts:console"),
        reverse("console:list", kwargs={"kind": "releases"}),
        "/compliance/audit/",
    ):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:mfa_setup"))


@pytest.mark.parametrize(
    "name",
    [
        "s\u0443stem",  # Cyrillic small u (U+0443) for y
        "\u0455ystem",  # Cyrillic small dze (U+0455) for s
        "syst\u0435m",  # Cyrillic small ie (U+0435) for e
        "r00t",  # digits for letters
        "sc\u04bbeduler",  # Cyrillic small shha (U+04BB) for h
        "anonyrnous",  # rn for m
        "CELERY",
    ],
)
def test_look_alikes_of_the_system_names_are_refused_by_their_unicode_skeleton(client, name):
    sign_in(client, UserFactory(roles=[IR_ADMIN]))
    response = client.post(reverse("accounts:user_create"), {"username": name, "email": "x@example.test"})
    assert response.status_code == 200
    assert "reserved" in response.content.decode()
    assert not AuditEntry.objects.filter(action="accounts.user_create").exists()


def test_a_look_alike_of_another_users_name_is_refused(client):
    UserFactory(username="jordan")
    sign_in(client, UserFactory(roles=[IR_ADMIN]))
    response = client.post(reverse("accounts:user_create"), {"username": "j\u043erdan", "email": "x@example.test"})
    assert response.status_code == 200
    assert "looks like" in response.content.decode()
