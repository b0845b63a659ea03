"""Browsers keep nothing of the console: staff and compliance answers are no-store; sign-out clears the site."""

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from irportal.accounts.roles import COMPLIANCE_REVIEWER
from releases.models import ReleaseImage
from tests.factories import UserFactory, make_release, sign_in
from tests.releases.test_staff_views import image_upload

pytestmark = pytest.mark.django_db


def never_stored(response) -> bool:
    directives = {part.strip() for part in response.get("Cache-Control", "").split(",")}
    return {"no-store", "private"} <= directives and not directives & {"public", "immutable"}


def test_staff_pages_previews_and_files_are_never_stored_by_the_browser(client, company, author):
    release = make_release(author)
    sign_in(client, author)
    client.post(
        reverse("console:operation", kwargs={"kind": "releases", "pk": release.pk, "operation": "add_image"}),
        {"image": image_upload("chart.png"), "alt_text": "Revenue chart"},
    )
    image = ReleaseImage.objects.get()
    addresses = [
        reverse("accounts:console"),
        release.get_staff_url(),
        reverse("console:edit", kwargs={"kind": "releases", "pk": release.pk}),
        reverse("console:preview", kwargs={"kind": "releases", "pk": release.pk}),
        reverse(
            "console:file",
            kwargs={"kind": "releases", "pk": release.pk, "token": image.token, "rendition": "large"},
        ),
    ]
    for address in addresses:
        response = client.get(address)
        assert response.status_code == 200, address
        assert never_stored(response), (address, response.get("Cache-Control"))


def test_compliance_pages_and_the_sign_in_page_are_never_stored(client):
    assert never_stored(client.get(reverse("accounts:login")))
    sign_in(client, UserFactory(roles=[COMPLIANCE_REVIEWER]))
    for address in (reverse("audit:log"), reverse("audit:insiders")):
        response = client.get(address)
        assert response.status_code == 200
        assert never_stored(response), address


def test_public_pages_stay_cacheable(client, company):
    response = client.get(reverse("investors:home"))
    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")


def test_sign_out_tells_the_browser_to_forget_the_site(client, author):
    sign_in(client, author)
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    assert response["Clear-Site-Data"] == '"cache", "storage"'
    assert never_stored(response)


def test_a_timed_out_session_also_clears_the_site(client, author, settings):
    settings.SESSION_IDLE_SECONDS = 600
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        sign_in(client, author)
        assert client.get(reverse("accounts:console")).status_code == 200
    with time_machine.travel(start + timedelta(minutes=20), tick=False):
        response = client.get(reverse("accounts:console"))
    assert response["Location"].startswith(reverse("accounts:login"))
    assert response["Clear-Site-Data"] == '"cache", "storage"'
