"""The company profile's release facts: description, dateline, investor section, newswire, website as written."""

import importlib

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.urls import reverse

from company.models import CompanyProfile, Newswire
from irportal.accounts.roles import IR_ADMIN, IR_AUTHOR
from irportal.audit.models import AuditEntry
from tests.factories import UserFactory, make_company, sign_in

pytestmark = pytest.mark.django_db

FORM = {
    "legal_name": "Corvane Therapeutics, Inc.",
    "short_name": "Corvane",
    "exchange": "Nasdaq",
    "ticker": "CRVN",
    "lead_description": "a biotechnology company that develops treatments for rare liver diseases",
    "website": "www.corvane.example",
    "investor_section_name": "Investors",
    "dateline_city": "Cambridge",
    "dateline_region": "Mass.",
    "newswire": "globenewswire",
    "newswire_other": "",
    "home_time_zone": "America/New_York",
    "date_style": "ap",
    "default_replay_days": 7,
    "accent_colour": "#0b5394",
    "fiscal_year_end_month": 12,
    "fiscal_year_end_day": 31,
}


@pytest.fixture
def admin_client(client):
    make_company()
    sign_in(client, UserFactory(roles=[IR_ADMIN]))
    return client


def test_an_ir_admin_saves_the_facts_every_release_needs_and_the_change_is_audited(admin_client):
    response = admin_client.post(reverse("company:profile_edit"), FORM)
    assert response.status_code == 302
    profile = CompanyProfile.load()
    assert profile.lead_description == FORM["lead_description"]
    assert (profile.dateline_city, profile.dateline_region) == ("Cambridge", "Mass.")
    assert profile.investor_section_name == "Investors"
    assert profile.newswire == Newswire.GLOBENEWSWIRE
    assert profile.distribution == "GLOBE NEWSWIRE"
    assert profile.missing_for_releases == []
    changes = AuditEntry.objects.get(action="company.profile_update").changes
    assert changes["newswire"] == {"before": "business_wire", "after": "globenewswire"}
    assert changes["dateline_city"] == {"before": "", "after": "Cambridge"}


def test_the_texts_a_release_writes_are_kept_in_french_beside_the_english_and_audited(admin_client):
    page = admin_client.get(reverse("company:profile_edit")).content.decode()
    assert "Description in a release&#x27;s lead (French)" in page
    french = {
        "lead_description_fr": "une société qui fabrique des instruments de mesure",
        "investor_section_name_fr": "Investisseurs",
    }
    assert admin_client.post(reverse("company:profile_edit"), FORM | french).status_code == 302
    profile = CompanyProfile.load()
    assert profile.lead_description == FORM["lead_description"]
    assert profile.in_language("lead_description", "fr") == french["lead_description_fr"]
    assert profile.in_language("investor_section_name", "fr") == "Investisseurs"
    changes = AuditEntry.objects.get(action="company.profile_update").changes
    assert changes["translations"]["after"] == {
        "fr": {"lead_description": french["lead_description_fr"], "investor_section_name": "Investisseurs"}
    }
    assert 'value="Investisseurs"' in admin_client.get(reverse("company:profile_edit")).content.decode()


def test_a_company_disclosing_in_french_is_told_its_lead_lacks_a_french_description():
    profile = make_company(
        lead_description="a maker of instruments",
        dateline_city="Tempe",
        dateline_region="Ariz.",
        website="www.example.com",
        disclosure_languages=["en", "fr"],
    )
    assert profile.missing_for_releases == ["Description in a release's lead (French)"]
    profile.translations = {"fr": {"lead_description": "un fabricant d'instruments"}}
    assert profile.missing_for_releases == []


def test_the_website_is_kept_as_written_and_linked_with_its_scheme(admin_client):
    admin_client.post(reverse("company:profile_edit"), FORM)
    profile = CompanyProfile.load()
    assert profile.website == "www.corvane.example"
    assert profile.website_url == "https://www.corvane.example"
    page = admin_client.get(reverse("investors:home")).content.decode()
    assert '<a href="https://www.corvane.example">www.corvane.example</a>' in page


@pytest.mark.parametrize("website", ["javascript:alert(1)", "ftp://files.corvane.example", "not a website", "www"])
def test_a_website_that_is_not_a_web_address_is_a_form_error(admin_client, website):
    response = admin_client.post(reverse("company:profile_edit"), FORM | {"website": website})
    assert response.status_code == 200
    assert "Enter the website&#x27;s address, e.g. www.example.com." in response.content.decode()
    assert CompanyProfile.load().website == ""


def test_another_wire_must_be_named_and_its_name_goes_in_the_dateline(admin_client):
    unnamed = admin_client.post(reverse("company:profile_edit"), FORM | {"newswire": "other"})
    assert unnamed.status_code == 200
    assert "Name the wire as its datelines print it." in unnamed.content.decode()
    named = admin_client.post(reverse("company:profile_edit"), FORM | {"newswire": "other", "newswire_other": "JCN"})
    assert named.status_code == 302
    assert CompanyProfile.load().distribution == "JCN"


def test_an_incomplete_profile_names_what_releases_still_need():
    profile = make_company()
    assert profile.missing_for_releases == [
        "Description in a release's lead",
        "Dateline city",
        "Dateline state or country",
        "Website",
    ]


def test_a_new_release_starts_with_the_profiles_dateline_and_wire(client):
    make_company(dateline_city="Cambridge", dateline_region="Mass.", newswire="pr_newswire")
    sign_in(client, UserFactory(roles=[IR_AUTHOR]))
    form = client.get(reverse("console:create", kwargs={"kind": "releases"})).context["form"]
    assert (form.initial["dateline_city"], form.initial["dateline_region"]) == ("Cambridge", "Mass.")
    assert form.initial["distribution"] == "PRNewswire"


@pytest.mark.parametrize(
    ("stored", "written"),
    [
        ("https://www.corvane.example", "www.corvane.example"),
        ("https://www.corvane.example/", "www.corvane.example"),
        ("https://corvane.example/investors", "corvane.example/investors"),
        ("http://corvane.example", "http://corvane.example"),
    ],
)
def test_the_migration_keeps_the_website_as_releases_printed_it(stored, written):
    make_company(website=stored)
    migration = importlib.import_module("company.migrations.0003_release_profile_and_demo")
    migration.website_as_written(apps, None)
    assert CompanyProfile.load().website == written


def test_an_ir_admin_adds_a_second_disclosure_language_and_the_change_is_audited(admin_client):
    form = admin_client.get(reverse("company:profile_edit")).content.decode()
    assert 'name="disclosure_languages" value="fr"' in form
    assert 'name="disclosure_languages" value="en"' not in form  # the primary is fixed, not a choice
    response = admin_client.post(reverse("company:profile_edit"), FORM | {"disclosure_languages": ["fr"]})
    assert response.status_code == 302
    assert CompanyProfile.load().disclosure_languages == ["en", "fr"]
    changes = AuditEntry.objects.get(action="company.profile_update").changes
    assert changes["disclosure_languages"] == {"before": ["en"], "after": ["en", "fr"]}
    admin_client.post(reverse("company:profile_edit"), FORM)
    assert CompanyProfile.load().disclosure_languages == ["en"]


@pytest.mark.parametrize("language", ["en", "de", "<script>"])
def test_a_disclosure_language_the_site_does_not_offer_as_a_second_one_is_a_form_error(admin_client, language):
    response = admin_client.post(reverse("company:profile_edit"), FORM | {"disclosure_languages": [language]})
    assert response.status_code == 200
    assert "is not one of the available choices" in response.content.decode()
    assert CompanyProfile.load().disclosure_languages == ["en"]


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (["fr", "en"], "English is the primary language: it comes first."),
        (["en", "de"], "The site does not offer de; choose among English, Français."),
        (["en", "fr", "fr"], "Name each disclosure language once."),
        ([], "This field cannot be blank."),
        ("en", "Name the disclosure languages as a list of language codes."),
    ],
)
def test_the_profile_refuses_disclosure_languages_that_do_not_start_with_the_primary_or_are_unknown(value, message):
    profile = make_company()
    profile.disclosure_languages = value
    with pytest.raises(ValidationError) as refused:
        profile.full_clean()
    assert refused.value.message_dict["disclosure_languages"] == [message]
