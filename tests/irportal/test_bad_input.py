"""Extreme values in every date, time and number a staff member or a visitor can type: a form error or a 4xx.

A fuzzer found two 500s (an event dated year 1, a fiscal year end on day
99,999,999,999); these tests hold that class of bug out of every form and
query parameter that takes a date or a number, not only those two.
"""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from company.models import CompanyProfile
from events.models import Event
from irportal.accounts.roles import IR_ADMIN
from releases.models import Release
from tests.events.test_staff_views import form_data as event_data
from tests.factories import UserFactory, sign_in
from tests.releases.test_staff_views import form_data as release_data
from tests.reports.builders import document_fields, good_pdf

pytestmark = pytest.mark.django_db

EXTREME_TIMES = ("0001-01-01T00:00", "0001-01-01T23:59", "9999-12-31T23:59", "9999-12-31T00:00")
EXTREME_NUMBERS = ("99999999999", "-99999999999", "32768", "0", "-1", "1e400")
EXTREME_DATES = ("0001-01-01", "9999-12-31")


@pytest.fixture
def staff(client, author, company):
    client.raise_request_exception = False
    sign_in(client, author)
    return client


def create(kind: str) -> str:
    return reverse("console:create", kwargs={"kind": kind})


@pytest.mark.parametrize("zone", ["UTC", "Pacific/Kiritimati", "Pacific/Pago_Pago"])
@pytest.mark.parametrize("value", EXTREME_TIMES)
@pytest.mark.parametrize("field", ["starts_local", "ends_local"])
def test_an_event_dated_at_the_ends_of_the_calendar_is_a_form_error(staff, zone, value, field):
    data = event_data(time_zone=zone, ends_local="") | {field: value}
    if field == "ends_local":
        data["starts_local"] = value[:10] + "T00:00" if value.startswith("9999") else value
    response = staff.post(create("events"), data)
    assert response.status_code == 200
    assert "between the years" in response.content.decode()
    assert not Event.objects.exists()


@pytest.mark.parametrize("value", EXTREME_NUMBERS)
def test_an_event_replay_window_out_of_range_is_a_form_error(staff, value):
    response = staff.post(create("events"), event_data(replay_days=value))
    assert response.status_code == 200
    assert not Event.objects.exists()


@pytest.mark.parametrize("value", EXTREME_TIMES)
def test_a_release_embargo_at_the_ends_of_the_calendar_is_a_form_error(staff, value):
    response = staff.post(create("releases"), release_data(publish_at=value))
    assert response.status_code == 200
    assert not Release.objects.exists()


@pytest.mark.parametrize("value", EXTREME_DATES)
def test_a_release_date_at_the_ends_of_the_calendar_is_a_form_error(staff, value):
    response = staff.post(create("releases"), release_data() | {"release_date": value})
    assert response.status_code == 200
    assert not Release.objects.exists()


@pytest.mark.parametrize(
    ("field", "value"),
    [("fiscal_year", number) for number in EXTREME_NUMBERS]
    + [("fiscal_quarter", number) for number in EXTREME_NUMBERS]
    + [("document_date", day) for day in EXTREME_DATES]
    + [("publish_at", time) for time in EXTREME_TIMES],
)
def test_a_document_with_an_extreme_date_or_number_is_a_form_error(staff, field, value):
    fields = document_fields()
    data = {name: str(value) for name, value in fields.items() if name != "filings"} | {field: value}
    data["main_file"] = SimpleUploadedFile("q3.pdf", good_pdf(), content_type="application/pdf")
    response = staff.post(create("documents"), data)
    assert response.status_code == 200


@pytest.mark.parametrize(
    ("field", "value"),
    [("fiscal_year_end_day", number) for number in EXTREME_NUMBERS]
    + [("fiscal_year_end_month", number) for number in EXTREME_NUMBERS]
    + [("default_replay_days", number) for number in EXTREME_NUMBERS],
)
def test_a_company_profile_number_out_of_range_is_a_form_error(client, company, field, value):
    client.raise_request_exception = False
    sign_in(client, UserFactory(roles=[IR_ADMIN]))
    data = {
        "legal_name": "Halvorsen Instruments, Inc.",
        "short_name": "Halvorsen",
        "exchange": "Nasdaq",
        "ticker": "HLVI",
        "home_time_zone": "America/Phoenix",
        "default_replay_days": "7",
        "accent_colour": "#0b5394",
        "fiscal_year_end_month": "12",
        "fiscal_year_end_day": "31",
    } | {field: value}
    response = client.post(reverse("company:profile_edit"), data)
    assert response.status_code == 200
    profile = CompanyProfile.load()
    assert (profile.fiscal_year_end_month, profile.fiscal_year_end_day, profile.default_replay_days) == (12, 31, 7)


@pytest.mark.parametrize(
    "query",
    ["week=9999-W52", "week=0001-W01", "month=9999-12", "month=0001-01", "week=2026-W99", "month=2026-13"],
)
def test_the_staff_calendar_at_the_ends_of_the_calendar_answers_400(staff, query):
    assert staff.get(f"{reverse('console:calendar')}?{query}").status_code == 400


@pytest.mark.parametrize(
    "query",
    ["year=99999999999", "year=0", "year=-1", "page=99999999999", "page=-1", "year=9999", "page=1e400"],
)
@pytest.mark.parametrize("path", ["/investors/news/", "/investors/financials/", "/investors/reports/"])
def test_the_public_archives_with_extreme_numbers_answer_a_page_or_404(client, company, path, query):
    client.raise_request_exception = False
    assert client.get(f"{path}?{query}").status_code in {200, 404}
