import pytest
from django.urls import reverse

from company.models import CompanyProfile
from irportal.accounts.roles import IR_ADMIN
from irportal.audit.models import AuditEntry
from releases.models import Audience
from releases.selectors import default_boilerplate
from tests.factories import MediaContactFactory, UserFactory, sign_in

pytestmark = pytest.mark.django_db

PROFILE = {
    "legal_name": "Example Corp",
    "short_name": "Example",
    "exchange": "Nasdaq",
    "ticker": "EXMP",
    "home_time_zone": "America/Phoenix",
    "website": "example.test",
    "default_replay_days": 7,
    "fiscal_year_end_month": 12,
    "newswire": "business_wire",
    "investor_section_name": "Investor Relations",
    "date_style": "ap",
    "fiscal_year_end_day": 31,
}


def test_root_redirects_to_the_investor_page(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == "/investors/"


def test_investor_page_shows_the_listing_and_contacts_by_audience(client):
    CompanyProfile(**PROFILE).save()
    MediaContactFactory(name="Ira Investor", audience=Audience.INVESTORS)
    MediaContactFactory(name="Mia Media", audience=Audience.MEDIA)
    page = client.get("/investors/").content.decode()
    assert "Example Corp" in page
    assert "<strong>EXMP</strong>" in page
    assert (
        page.index("For Investors:") < page.index("Ira Investor") < page.index("For Media:") < page.index("Mia Media")
    )


def test_profile_edit_is_audited_with_the_changed_fields(client):
    CompanyProfile(**PROFILE).save()
    admin = UserFactory(roles=[IR_ADMIN])
    sign_in(client, admin)
    response = client.post(reverse("company:profile_edit"), PROFILE | {"ticker": "EXM", "default_replay_days": 10})
    assert response.status_code == 302
    entry = AuditEntry.objects.get(action="company.profile_update")
    assert entry.changes == {
        "default_replay_days": {"before": 7, "after": 10},
        "ticker": {"before": "EXMP", "after": "EXM"},
    }
    assert CompanyProfile.load().ticker == "EXM"


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("home_time_zone", "Mars/Olympus_Mons", "is not a known time zone"),
        ("default_replay_days", 0, "greater than or equal to 1"),
        ("default_replay_days", 400, "less than or equal to 365"),
        ("ticker", "ex mp", "Use the exchange symbol in capitals"),
    ],
)
def test_bad_profile_values_are_form_errors(client, field, value, message):
    CompanyProfile(**PROFILE).save()
    sign_in(client, UserFactory(roles=[IR_ADMIN]))
    response = client.post(reverse("company:profile_edit"), PROFILE | {field: value})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert getattr(CompanyProfile.load(), field) == PROFILE[field]
    assert not AuditEntry.objects.filter(action="company.profile_update").exists()


def test_seed_demo_loads_a_company_users_per_role_and_contacts(tmp_path, settings):
    from django.core.management import call_command

    settings.VAR_DIR = tmp_path
    call_command("seed_demo", "--if-empty")
    assert CompanyProfile.load().ticker == "HLVI"
    assert default_boilerplate("about").boilerplate.name == "About Halvorsen Instruments"
    logins = (tmp_path / "demo-logins.txt").read_text().splitlines()
    assert len(logins) == 4
    from releases.models import Release

    assert set(Release.objects.values_list("status", flat=True)) == {
        "draft",
        "in_review",
        "approved",
        "published",
        "withdrawn",
    }
    assert Release.objects.filter(headline__contains="Upcoming Investor Conferences").exists()
    call_command("seed_demo", "--if-empty")
    assert (tmp_path / "demo-logins.txt").read_text().splitlines() == logins
