import datetime as dt

import pytest
from django.utils import translation

from releases.checks import CODES, release_checks
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


def test_a_warning_is_read_in_the_readers_language_and_recorded_in_the_primary_one(complete):
    complete.release_date = dt.date(2026, 12, 1)
    [warning] = release_checks(complete, now=NOW)
    with translation.override("fr"):
        shown, record = str(warning.message), warning.as_record()
    assert "1er décembre 2026" in shown and "lundi 30 novembre 2026" in shown
    assert record["message"] == (
        "The dateline says Dec. 1, 2026, but the release goes out on Monday, Nov. 30, 2026: make them agree."
    )


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


# -- boilerplate or contacts of another company block approval ---------------------------------------------


@pytest.fixture
def renamed(company):
    """The profile once named the demo company; the IR team made it theirs."""
    from company.services import company_profile_update

    return company_profile_update(
        actor=None, legal_name="Corvane Therapeutics, Inc.", short_name="Corvane", ticker="CRVN"
    )


def blockers(release):
    return [check for check in release_checks(release, now=NOW) if check.blocking]


def corvane_release(author, **fields):
    body = "<p>Corvane Therapeutics, Inc. (Nasdaq: CRVN) today announced.</p>"
    return make_release(author, body=body, **fields)


def test_an_about_text_naming_the_former_company_blocks_approval(renamed, author, approver):
    from irportal.workflow.engine import TransitionNotAllowed
    from releases.workflow import release_approve, release_submit

    about = Boilerplate.objects.create(name="About", kind="about")
    version = BoilerplateVersion.objects.create(
        boilerplate=about,
        number=1,
        title="About Halvorsen Instruments",
        text="<p>Halvorsen designs calibration systems.</p>",
        created_by=author,
    )
    release = corvane_release(author, about=version)
    [check] = blockers(release)
    assert check.code == "other_company"
    assert check.message == (
        "“About” names Halvorsen, Halvorsen Instruments, Inc., not Corvane Therapeutics, Inc. (Nasdaq: CRVN): "
        "attach the company's own text."
    )
    release_submit(release_id=release.pk, actor=author)
    with pytest.raises(TransitionNotAllowed, match="Cannot approve yet: “About” names Halvorsen"):
        release_approve(release_id=release.pk, actor=approver, acknowledged=CODES)


def test_a_safe_harbor_with_another_listing_blocks(renamed, author):
    harbor = Boilerplate.objects.create(name="FLS", kind="safe_harbor")
    version = BoilerplateVersion.objects.create(
        boilerplate=harbor, number=1, title="FLS", text="<p>Acme Corp (NYSE: ACME) may differ.</p>", created_by=author
    )
    [check] = blockers(corvane_release(author, safe_harbor=version))
    assert "names (NYSE: ACME), not Corvane" in check.message


def test_contacts_of_the_former_company_block_and_an_agency_does_not(renamed, author):
    release = corvane_release(author)
    release.contacts.add(MediaContactFactory(name="Dana Ferreira", email="ir@halvorsen-instruments.example"))
    release.contacts.add(MediaContactFactory(name="Sam Agency", organization="Bluestone IR Partners"))
    [check] = blockers(release)
    assert check.message == (
        "The contact Dana Ferreira (ir@halvorsen-instruments.example) is another company's, not "
        "Corvane Therapeutics, Inc.'s: pick the company's own contacts."
    )


def test_demo_boilerplate_and_contacts_block_a_release_of_the_company(company, author):
    about = Boilerplate.objects.create(name="About the demo", kind="about", is_demo=True)
    version = BoilerplateVersion.objects.create(
        boilerplate=about, number=1, title="About", text="<p>x</p>", created_by=author
    )
    release = make_release(author, about=version)
    release.contacts.add(MediaContactFactory(name="Demo Person", is_demo=True))
    assert [check.message for check in blockers(release)] == [
        "“About the demo” was written for the demo company.",
        "The contact Demo Person (" + release.contacts.get().email + ") is another company's, not "
        "Halvorsen Instruments, Inc.'s: pick the company's own contacts.",
    ]


def test_the_companys_own_boilerplate_and_contacts_pass(renamed, author):
    about = Boilerplate.objects.create(name="About Corvane", kind="about")
    version = BoilerplateVersion.objects.create(
        boilerplate=about,
        number=1,
        title="About Corvane Therapeutics",
        text="<p>Corvane Therapeutics, Inc. (Nasdaq: CRVN) develops treatments.</p>",
        created_by=author,
    )
    release = corvane_release(author, about=version)
    release.contacts.add(MediaContactFactory(email="ir@corvane.example", organization="Bluestone IR Partners"))
    assert blockers(release) == []
