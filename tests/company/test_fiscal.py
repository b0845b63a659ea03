import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from company.fiscal import FiscalYearEnd, period_label
from tests.factories import make_company

CALENDAR = FiscalYearEnd(12, 31)
JUNE = FiscalYearEnd(6, 30)


def test_a_calendar_fiscal_year_has_calendar_quarters():
    ends = [CALENDAR.quarter_end(2026, quarter) for quarter in (1, 2, 3, 4)]
    assert ends == [dt.date(2026, 3, 31), dt.date(2026, 6, 30), dt.date(2026, 9, 30), dt.date(2026, 12, 31)]
    assert CALENDAR.period_of(dt.date(2026, 11, 30)) == (2026, 4)
    assert CALENDAR.last_completed_quarter(dt.date(2026, 11, 30)) == (2026, 3)
    assert CALENDAR.last_completed_quarter(dt.date(2027, 1, 20)) == (2026, 4)


def test_a_june_year_end_names_the_year_after_the_calendar_year_it_ends_in():
    assert JUNE.period_of(dt.date(2026, 7, 1)) == (2027, 1)
    assert JUNE.quarter_end(2027, 1) == dt.date(2026, 9, 30)
    assert JUNE.quarter_end(2027, 2) == dt.date(2026, 12, 31)
    assert JUNE.period_of(dt.date(2027, 6, 30)) == (2027, 4)
    assert period_label(2027, 1) == "Q1 FY2027" and period_label(2027, None) == "FY2027"


def test_a_year_ending_on_a_day_inside_the_month_keeps_that_day_where_it_can():
    retail = FiscalYearEnd(1, 31)  # month-end: quarters end on month-ends
    assert retail.quarter_end(2027, 1) == dt.date(2026, 4, 30)
    mid = FiscalYearEnd(9, 28)
    assert [mid.quarter_end(2027, q) for q in (1, 2, 3, 4)] == [
        dt.date(2026, 12, 28), dt.date(2027, 3, 28), dt.date(2027, 6, 28), dt.date(2027, 9, 28),
    ]  # fmt: skip


@pytest.mark.django_db
def test_the_profile_refuses_a_year_end_that_is_not_there_every_year():
    profile = make_company()
    profile.fiscal_year_end_month, profile.fiscal_year_end_day = 2, 29
    with pytest.raises(ValidationError, match="does not exist in that month every year"):
        profile.full_clean()
    profile.fiscal_year_end_day = 28
    profile.full_clean()
    assert profile.fiscal_year_end == FiscalYearEnd(2, 28)


@pytest.mark.django_db
def test_an_ir_admin_sets_a_june_year_end_and_new_documents_are_named_by_it(client):
    from django.urls import reverse

    from irportal.accounts.roles import IR_ADMIN
    from reports.forms import DocumentForm
    from tests.factories import UserFactory, sign_in

    make_company()
    sign_in(client, UserFactory(roles=[IR_ADMIN]))
    form = {
        "legal_name": "Halvorsen Instruments, Inc.", "short_name": "Halvorsen", "exchange": "Nasdaq", "ticker": "HLVI",
        "home_time_zone": "America/Phoenix", "website": "", "default_replay_days": 7, "accent_colour": "#0b5394",
        "fiscal_year_end_month": 6, "fiscal_year_end_day": 30, "newswire": "business_wire",
        "investor_section_name": "Investor Relations", "date_style": "ap",
    }  # fmt: skip
    assert client.post(reverse("company:profile_edit"), form).status_code == 302
    bad = client.post(reverse("company:profile_edit"), form | {"fiscal_year_end_month": 2, "fiscal_year_end_day": 30})
    assert "does not exist in that month every year" in bad.content.decode()
    import time_machine

    with time_machine.travel(dt.datetime(2026, 11, 30, 12, tzinfo=dt.UTC), tick=False):
        initial = DocumentForm.initial_for_new()
    assert (initial["fiscal_year"], initial["fiscal_quarter"]) == (2027, 1)  # July to September 2026
