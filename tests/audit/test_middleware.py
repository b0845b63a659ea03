"""The client's address and the proxy's headers are believed only from a configured proxy (TRUSTED_PROXIES)."""

import pytest
from django.test import RequestFactory
from django.urls import reverse

from irportal.accounts.roles import IR_AUTHOR
from irportal.audit.middleware import client_ip
from irportal.audit.models import AuditEntry
from tests.factories import PASSWORD, UserFactory

NGINX = "127.0.0.1"
WRONG = "Winter2026!"  # a sprayer's guess


def address_of(remote_addr: str, forwarded_for: str | None = None) -> str:
    headers = {"HTTP_X_FORWARDED_FOR": forwarded_for} if forwarded_for is not None else {}
    return client_ip(RequestFactory().get("/", REMOTE_ADDR=remote_addr, **headers))


def test_the_address_nginx_appended_is_the_client(settings):
    settings.TRUSTED_PROXIES = [NGINX]
    # Whatever the client put first is kept by nginx, which appends the address it saw: the last one counts.
    assert address_of(NGINX, "10.9.9.9, 203.0.113.9") == "203.0.113.9"
    assert address_of(NGINX) == NGINX


def test_forwarded_for_from_anyone_else_is_ignored(settings):
    settings.TRUSTED_PROXIES = [NGINX]
    assert address_of("198.51.100.7", "203.0.113.9") == "198.51.100.7"


def test_a_chain_of_trusted_proxies_is_walked_back_to_the_first_untrusted_hop(settings):
    settings.TRUSTED_PROXIES = [NGINX, "10.0.0.0/8"]
    assert address_of(NGINX, "192.0.2.1, 203.0.113.9, 10.1.2.3") == "203.0.113.9"
    # A malformed hop is not a client: the last address known to be real stands.
    assert address_of(NGINX, "203.0.113.9, not-an-address, 10.1.2.3") == "10.1.2.3"


def test_without_trusted_proxies_forwarded_for_means_nothing(settings):
    settings.TRUSTED_PROXIES = []
    assert address_of(NGINX, "203.0.113.9") == NGINX


@pytest.mark.django_db
def test_the_per_address_sign_in_limit_stays_per_client_behind_the_proxy(client, settings):
    settings.TRUSTED_PROXIES = [NGINX]
    settings.SIGN_IN_ADDRESS_FAILURE_LIMIT = 3
    real = UserFactory(roles=[IR_AUTHOR])

    def sign_in_from(forwarded_for, username, password=WRONG, remote_addr=NGINX):
        return client.post(
            reverse("accounts:login"),
            {"username": username, "password": password},
            REMOTE_ADDR=remote_addr,
            HTTP_X_FORWARDED_FOR=forwarded_for,
        )

    sprayer = [sign_in_from("203.0.113.50", f"guess{n}").status_code for n in range(4)]
    assert sprayer == [200, 200, 200, 429]
    assert set(AuditEntry.objects.filter(action="auth.login_failed").values_list("ip", flat=True)) == {"203.0.113.50"}
    # Another client behind the same nginx signs in: the limit is the sprayer's, not the site's.
    assert sign_in_from("198.51.100.9", real.username, PASSWORD).status_code == 302
    # A client that reaches the app directly cannot borrow someone else's address to dodge its own limit.
    client.logout()
    direct = [sign_in_from("192.0.2.77", f"other{n}", remote_addr="203.0.113.50").status_code for n in range(2)]
    assert direct == [429, 429]


@pytest.mark.django_db
def test_the_proxys_request_id_and_scheme_are_believed_only_from_the_proxy(client, settings):
    settings.TRUSTED_PROXIES = [NGINX]
    settings.AUDIT_TRUST_X_REQUEST_ID = True
    headers = {"HTTP_X_REQUEST_ID": "forged-request-id-0001", "HTTP_X_FORWARDED_PROTO": "https"}
    proxied = client.get("/healthz", REMOTE_ADDR=NGINX, **headers)
    assert proxied["X-Request-ID"] == "forged-request-id-0001"
    direct = client.get("/healthz", REMOTE_ADDR="198.51.100.7", **headers)
    assert direct["X-Request-ID"] != "forged-request-id-0001"
    assert client.get("/staff/login/", REMOTE_ADDR="198.51.100.7", **headers).wsgi_request.is_secure() is False
    assert client.get("/staff/login/", REMOTE_ADDR=NGINX, **headers).wsgi_request.is_secure() is True
