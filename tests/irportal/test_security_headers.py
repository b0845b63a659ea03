"""The app's own answers carry the browser protections ASVS 5.0 Level 2 asks of every response (V3.4)."""

import pytest
from django.urls import reverse

from irportal.accounts.roles import IR_AUTHOR
from tests.factories import UserFactory, sign_in

pytestmark = pytest.mark.django_db


def directives(response) -> dict[str, set[str]]:
    policy = response["Content-Security-Policy"]
    return {name: set(values) for name, *values in (part.split() for part in policy.split(";") if part.strip())}


@pytest.mark.parametrize("who", ["visitor", "staff"])
def test_every_page_has_a_content_security_policy_that_allows_no_plugin_base_or_framing(client, company, who):
    if who == "staff":
        sign_in(client, UserFactory(roles=[IR_AUTHOR]))
    address = reverse("accounts:console") if who == "staff" else reverse("investors:home")
    response = client.get(address)
    assert response.status_code == 200
    policy = directives(response)
    assert policy["object-src"] == {"'none'"}
    assert policy["base-uri"] == {"'none'"}
    assert policy["frame-ancestors"] == {"'none'"}
    assert policy["script-src"] == {"'self'"}
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
