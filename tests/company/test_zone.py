"""One company time zone, the profile's, for requests and tasks alike, whatever the process's TIME_ZONE."""

import datetime as dt

import pytest
import time_machine
from django.contrib.auth.models import AnonymousUser
from django.test import RequestFactory
from django.utils import timezone

from company.middleware import CompanyTimeZoneMiddleware
from irportal.celery import app as celery_app

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def another_process_zone(settings, company):
    """The process runs in Tokyo; the company (the profile) is in Phoenix."""
    settings.TIME_ZONE = "Asia/Tokyo"
    timezone.deactivate()


def test_a_task_runs_in_the_companys_zone(monkeypatch):
    seen = []
    monkeypatch.setattr(
        "alerts.services.alerts_purge_unconfirmed", lambda: seen.append(timezone.get_current_timezone_name())
    )
    celery_app.tasks["alerts.tasks.purge_unconfirmed"].apply().get()
    assert seen == ["America/Phoenix"]
    assert timezone.get_current_timezone_name() == "Asia/Tokyo"  # and only while it runs


def test_a_staff_request_without_a_session_runs_in_the_companys_zone():
    """The sign-in page, a private calendar feed read with its token: company time, not the process's."""
    seen = []
    request = RequestFactory().get("/staff/login/")
    request.user = AnonymousUser()
    CompanyTimeZoneMiddleware(lambda request: seen.append(timezone.get_current_timezone_name()))(request)
    assert seen == ["America/Phoenix"]


def test_the_public_footer_counts_the_year_in_company_time(client):
    # 11:30 pm on Dec. 31 in Phoenix is already the new year in Tokyo (and in UTC).
    with time_machine.travel(dt.datetime(2027, 1, 1, 6, 30, tzinfo=dt.UTC), tick=False):
        page = client.get("/investors/").content.decode()
    assert "&copy; 2026 Halvorsen Instruments, Inc." in page
