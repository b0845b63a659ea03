"""An optional host of the staff console's own (STAFF_SITE_URL): staff pages there only, nothing else there."""

import pytest
from django.core import mail
from django.urls import reverse

from irportal.accounts.roles import IR_ADMIN, IR_AUTHOR
from tests.factories import UserFactory, make_company, sign_in

pytestmark = pytest.mark.django_db
STAFF = "ir-staff.example.test"
STAFF_ONLY = ["/staff/login/", "/staff/", "/compliance/audit/", "/staff/account/two-factor/", "/feeds/calendar/x.ics"]


@pytest.fixture
def staff_host(settings):
    settings.STAFF_HOST = STAFF
    settings.STAFF_SITE_URL = f"https://{STAFF}"
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, STAFF]
    make_company()


@pytest.mark.parametrize("path", STAFF_ONLY)
def test_the_public_host_answers_404_for_staff_and_compliance_pages(client, staff_host, path):
    assert client.get(path).status_code == 404


def test_the_staff_host_answers_the_staff_pages_and_nothing_of_the_public_site(client, staff_host):
    assert client.get("/staff/login/", HTTP_HOST=STAFF).status_code == 200
    assert client.get("/investors/", HTTP_HOST=STAFF).status_code == 404
    assert client.get("/investors/", HTTP_HOST="testserver").status_code == 200
    assert client.get("/", HTTP_HOST=STAFF)["Location"] == reverse("accounts:console")
    assert client.get("/healthz", HTTP_HOST=STAFF).status_code == 200


def test_a_signed_in_session_reaches_the_console_only_on_the_staff_host(client, staff_host):
    sign_in(client, UserFactory(roles=[IR_AUTHOR]))
    assert client.get("/staff/", HTTP_HOST=STAFF).status_code == 200
    assert client.get("/staff/").status_code == 404


def test_links_in_staff_mail_point_to_the_staff_host(client, staff_host, django_capture_on_commit_callbacks):
    admin = UserFactory(roles=[IR_ADMIN])
    sign_in(client, admin)
    target = UserFactory(roles=[IR_AUTHOR], enrolled=True)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("accounts:user_password_reset", args=[target.pk]), HTTP_HOST=STAFF)
    assert f"https://{STAFF}/staff/account/link/" in mail.outbox[0].body


def test_without_a_staff_host_one_host_answers_everything(client):
    make_company()
    assert client.get("/staff/login/").status_code == 200
    assert client.get("/investors/").status_code == 200
