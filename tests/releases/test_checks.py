import datetime as dt

import pytest

from releases.checks import release_checks
from releases.models import Boilerplate, BoilerplateVersion
from tests.factories import MediaContactFactory, make_release

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 11, 25, 12, 0, tzinfo=dt.UTC)


def codes(release):
    return [warning.code for warning in release_checks(release, now=NOW)]


@pytest.fixture
def complete(company, author):
    about = Boilerplate.objects.create(name="About Halvorsen", kind="about")
    harbor = Boilerplate.objects.create(name="Safe harbor", kind="safe_harbor")
    release = make_release(
        author,
        about=BoilerplateVersion.objects.create(
            boilerplate=about, number=1, title="About", text="<p>x</p>", created_by=author
        ),
        safe_harbor=BoilerplateVersion.objects.create(
            boilerplate=harbor, number=1, title="FLS", text="<p>y</p>", created_by=author
        ),
        # 4:30 pm Eastern on Monday, Nov. 30, 2026: after the close, dateline day in Phoenix.
        publish_at=dt.datetime(2026, 11, 30, 21, 30, tzinfo=dt.UTC),
    )
    release.contacts.add(MediaContactFactory())
    return release


def test_a_complete_release_passes_every_check(complete):
    assert codes(complete) == []


def test_weekday_that_does_not_match_the_date_is_called_out(complete):
    complete.body += "<p>The call is on Tuesday, Nov. 30, 2026.</p>"
    warnings = release_checks(complete, now=NOW)
    assert [w.code for w in warnings] == ["weekday"]
    assert "is a Monday" in warnings[0].message


def test_dateline_that_disagrees_with_the_embargo_day(complete):
    complete.release_date = dt.date(2026, 12, 1)
    assert codes(complete) == ["dateline"]


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("<p>Halvorsen (NYSE: HLVI) today</p>", "the company profile says (Nasdaq: HLVI)"),
        ("<p>No listing here</p>", "never names"),
    ],
)
def test_listing_must_match_the_company_profile(complete, body, expected):
    complete.body = body
    warnings = release_checks(complete, now=NOW)
    assert [w.code for w in warnings] == ["listing"]
    assert expected in warnings[0].message


def test_missing_contacts_and_boilerplate(company, author):
    release = make_release(author)
    assert codes(release) == ["contacts", "about", "safe_harbor"]


@pytest.mark.parametrize(
    ("utc", "code"),
    [
        (dt.datetime(2026, 11, 30, 15, 0, tzinfo=dt.UTC), "market_hours"),  # 10:00 am ET
        (dt.datetime(2026, 11, 30, 21, 2, tzinfo=dt.UTC), "after_close"),  # 4:02 pm ET, Nasdaq wants 4:05
        (dt.datetime(2026, 11, 20, 21, 30, tzinfo=dt.UTC), "past"),
    ],
)
def test_timing_is_called_out(complete, utc, code):
    complete.publish_at = utc
    complete.release_date = utc.astimezone(dt.timezone(dt.timedelta(hours=-7))).date()
    assert codes(complete) == [code]


def test_nyse_after_close_guidance_is_later(complete, company):
    company.exchange = "NYSE"
    company.save()
    complete.body = "<p>Halvorsen (NYSE: HLVI) today</p>"
    complete.publish_at = dt.datetime(2026, 11, 30, 21, 10, tzinfo=dt.UTC)  # 4:10 pm ET
    warnings = release_checks(complete, now=NOW)
    assert [w.code for w in warnings] == ["after_close"]
    assert "4:15 pm ET" in warnings[0].message


def test_a_wrong_weekday_at_the_start_of_a_paragraph_is_caught(complete):
    # Tags removed without a space would run "results" into "Monday" and hide the date from the check.
    complete.body = (
        "<p>Halvorsen Instruments, Inc. (Nasdaq: HLVI) will report results</p>"
        "<p>Monday, Dec. 8, 2026 after the close.</p>"
    )
    assert "weekday" in codes(complete)
