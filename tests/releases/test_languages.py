"""The boilerplates and the contacts in every disclosure language: written on their forms, versioned, carried by
the release's snapshot, read in each language."""

import pytest
from django.urls import reverse

from irportal.accounts.roles import IR_ADMIN, IR_AUTHOR
from irportal.audit.models import AuditEntry
from irportal.workflow import languages
from releases.content import ReleaseDocument
from releases.models import Audience, Boilerplate, MediaContact
from releases.selectors import CONTACT_FIELDS, active_contact_groups, default_boilerplate, public_about
from releases.services import boilerplate_save
from tests.factories import MediaContactFactory, UserFactory, make_company, make_release, sign_in

pytestmark = pytest.mark.django_db

ABOUT_FR = {
    "title": "À propos de Halvorsen Instruments",
    "text": "<p>Halvorsen conçoit des instruments d'étalonnage.</p>",
}


@pytest.fixture
def bilingual(db):
    return make_company(disclosure_languages=["en", "fr"])


@pytest.fixture
def admin(db):
    return UserFactory(roles=[IR_ADMIN])


def about_form(**overrides) -> dict:
    return {
        "name": "About Halvorsen",
        "kind": "about",
        "title": "About Halvorsen Instruments",
        "text": "<p>Halvorsen builds calibration instruments.</p>",
        "is_default": "on",
        "title_fr": ABOUT_FR["title"],
        "text_fr": ABOUT_FR["text"],
    } | overrides


def save_about(admin, pk=None, **translations):
    return boilerplate_save(
        actor=admin,
        pk=pk,
        name="About Halvorsen",
        kind="about",
        title="About Halvorsen Instruments",
        text="<p>Halvorsen builds calibration instruments.</p>",
        is_default=True,
        translations=translations or {"fr": ABOUT_FR},
    )


def test_the_boilerplate_form_asks_for_the_french_title_and_text(client, bilingual, admin):
    sign_in(client, admin)
    page = client.get(reverse("releases:boilerplate_create")).content.decode()
    assert "Title (Français)" in page and "Text (Français)" in page
    response = client.post(reverse("releases:boilerplate_create"), about_form(text_fr="<p> </p>", title_fr=""))
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert errors["title_fr"] == ["This field is required."]
    assert errors["text_fr"] == ["The boilerplate needs some text in this language too."]
    assert not Boilerplate.objects.exists()


def test_the_french_text_is_saved_with_the_version_and_each_new_version_has_its_own(client, bilingual, admin):
    sign_in(client, admin)
    client.post(reverse("releases:boilerplate_create"), about_form())
    boilerplate = Boilerplate.objects.get()
    assert boilerplate.latest.translations == {"fr": ABOUT_FR}
    edit = reverse("releases:boilerplate_update", args=[boilerplate.pk])
    form = client.get(edit).context["form"]
    assert (form["title_fr"].value(), form["text_fr"].value()) == (ABOUT_FR["title"], ABOUT_FR["text"])
    client.post(edit, about_form(text_fr="<p>Halvorsen conçoit et fabrique des instruments.</p><script>x</script>"))
    first, second = boilerplate.versions.order_by("number")
    assert first.translations == {"fr": ABOUT_FR}
    assert second.translations["fr"]["text"] == "<p>Halvorsen conçoit et fabrique des instruments.</p>"
    entry = AuditEntry.objects.filter(action="boilerplate.version").latest("pk")
    assert entry.data["translations"]["fr"]["text"] == "<p>Halvorsen conçoit et fabrique des instruments.</p>"


def test_a_company_in_english_alone_is_not_asked_for_french(client, company, admin):
    sign_in(client, admin)
    page = client.get(reverse("releases:boilerplate_create")).content.decode()
    assert 'name="title_fr"' not in page and 'name="text_fr"' not in page
    data = {key: value for key, value in about_form().items() if not key.endswith("_fr")}
    client.post(reverse("releases:boilerplate_create"), data)
    assert Boilerplate.objects.get().latest.translations == {}


def test_a_french_release_reads_the_french_about_its_english_one_the_english(bilingual, admin):
    about = save_about(admin)
    release = make_release(UserFactory(roles=[IR_AUTHOR]), about=about)
    content = release.revisions.get(number=1).content
    assert content["about"]["translations"] == {"fr": ABOUT_FR}
    french = ReleaseDocument(languages.localized(content, "fr"), release=release)
    english = ReleaseDocument(languages.localized(content, "en"), release=release)
    assert (french.about["title"], french.about["text"]) == (ABOUT_FR["title"], ABOUT_FR["text"])
    assert english.about["title"] == "About Halvorsen Instruments"


def test_a_new_french_wording_reaches_a_release_only_as_a_new_version_it_is_given(bilingual, admin):
    """The release keeps the version it was written with, in every language."""
    about = save_about(admin)
    release = make_release(UserFactory(roles=[IR_AUTHOR]), about=about)
    save_about(admin, pk=about.boilerplate.pk, fr={"title": ABOUT_FR["title"], "text": "<p>Nouveau texte.</p>"})
    content = release.revisions.get(number=1).content
    assert languages.localized(content, "fr")["about"]["text"] == ABOUT_FR["text"]
    assert public_about("fr")["text"] == "<p>Nouveau texte.</p>"


def test_the_investor_page_about_text_in_each_language(bilingual, admin):
    save_about(admin)
    assert public_about("fr")["title"] == ABOUT_FR["title"]
    assert public_about("en")["title"] == "About Halvorsen Instruments"


def test_the_about_statement_reads_what_the_orm_reads(bilingual, admin):
    """``ABOUT_SQL``: the latest version of the active default About text, whatever else is saved."""
    assert public_about("en") is None
    boilerplate_save(actor=admin, pk=None, name="Safe harbor", kind="safe_harbor", title="Safe", text="<p>S</p>")
    assert public_about("en") is None
    first = save_about(admin)
    other = boilerplate_save(actor=admin, pk=None, name="Old About", kind="about", title="Old", text="<p>Old</p>")
    save_about(admin, pk=first.boilerplate.pk, fr={"title": "Nouveau", "text": "<p>Nouveau texte.</p>"})

    def orm_reading(language):
        version = default_boilerplate(Boilerplate.Kind.ABOUT)
        if version is None:
            return None
        return languages.localized(
            {"title": version.title, "text": version.text, "translations": version.translations}, language
        )

    for language in ("en", "fr"):
        assert public_about(language) == orm_reading(language)
    assert public_about("fr")["title"] == "Nouveau"
    Boilerplate.objects.filter(pk=first.boilerplate.pk).update(is_active=False)
    assert public_about("en") is orm_reading("en") is None
    Boilerplate.objects.filter(pk=first.boilerplate.pk).update(is_default=False)
    Boilerplate.objects.filter(pk=other.boilerplate.pk).update(is_default=True)
    assert public_about("en") == orm_reading("en") == {"title": "Old", "text": "<p>Old</p>", "translations": {}}


def test_the_contacts_statement_reads_what_the_orm_reads(bilingual):
    """``CONTACTS_SQL``: every active contact in the contacts' order (audience, order, name), with the columns of
    its snapshot."""
    assert active_contact_groups("en") == []
    MediaContactFactory(name="Milo Press", audience=Audience.MEDIA, order=1, organization="Press & Co")
    MediaContactFactory(
        name="Dana Ferreira", order=2, translations={"fr": {"title": "Relations avec les investisseurs"}}
    )
    MediaContactFactory(name="Ada Stone", order=1, phone="", email="")
    # Two of the same order: by name, whichever was added first.
    MediaContactFactory(name="Zoe Quinn", audience=Audience.MEDIA, order=1)
    MediaContactFactory(name="Leo Marsh", audience=Audience.MEDIA, order=1)
    MediaContactFactory(name="Gone", order=0, is_active=False)
    contacts = MediaContact.objects.filter(is_active=True).values(*CONTACT_FIELDS)
    for language in ("en", "fr"):
        orm_reading = MediaContact.group_by_audience([languages.localized(contact, language) for contact in contacts])
        assert active_contact_groups(language) == orm_reading
    assert [[contact["name"] for contact in members] for _, members in active_contact_groups("fr")] == [
        ["Ada Stone", "Dana Ferreira"],
        ["Leo Marsh", "Milo Press", "Zoe Quinn"],
    ]


def contact_form(**overrides) -> dict:
    return {
        "name": "Dana Ferreira",
        "title": "Vice President, Investor Relations",
        "title_fr": "Vice-présidente, Relations avec les investisseurs",
        "organization": "",
        "phone": "+1 555 0100",
        "email": "ir@halvorsen.test",
        "audience": "investors",
        "order": "0",
        "is_active": "on",
    } | overrides


def test_a_contacts_title_is_asked_for_in_french_when_it_has_one_in_english(client, bilingual, admin):
    sign_in(client, admin)
    assert "Title (Français)" in client.get(reverse("releases:contact_create")).content.decode()
    response = client.post(reverse("releases:contact_create"), contact_form(title_fr=""))
    assert response.context["form"].errors["title_fr"] == ["Give the title in this language too: its pages show it."]
    assert not MediaContact.objects.exists()
    client.post(reverse("releases:contact_create"), contact_form(name="No Title", title="", title_fr=""))
    assert MediaContact.objects.get().translations == {}


def test_a_contacts_french_title_is_saved_and_audited(client, bilingual, admin):
    sign_in(client, admin)
    client.post(reverse("releases:contact_create"), contact_form())
    contact = MediaContact.objects.get()
    assert contact.translations == {"fr": {"title": "Vice-présidente, Relations avec les investisseurs"}}
    edit = reverse("releases:contact_update", args=[contact.pk])
    assert client.get(edit).context["form"]["title_fr"].value() == "Vice-présidente, Relations avec les investisseurs"
    client.post(edit, contact_form(title_fr="Vice-présidente principale, Relations avec les investisseurs"))
    change = AuditEntry.objects.filter(action="contact.update").latest("pk").changes["translations"]
    assert change["after"] == {"fr": {"title": "Vice-présidente principale, Relations avec les investisseurs"}}


def test_releases_and_the_investor_page_show_each_contacts_title_in_the_pages_language(bilingual):
    MediaContactFactory(
        name="Dana Ferreira",
        title="Vice President, Investor Relations",
        translations={"fr": {"title": "Vice-présidente, Relations avec les investisseurs"}},
    )
    MediaContactFactory(name="Milo Press", title="Partner", audience=Audience.MEDIA)
    release = make_release(UserFactory(roles=[IR_AUTHOR]), contacts=list(MediaContact.objects.all()))
    content = release.revisions.get(number=1).content
    french = ReleaseDocument(languages.localized(content, "fr"), release=release).contact_groups
    assert [(label, [(contact["name"], contact["title"]) for contact in members]) for label, members in french] == [
        ("For Investors:", [("Dana Ferreira", "Vice-présidente, Relations avec les investisseurs")]),
        ("For Media:", [("Milo Press", "Partner")]),  # no French title written: the one title
    ]
    english = ReleaseDocument(languages.localized(content, "en"), release=release).contact_groups
    assert english[0][1][0]["title"] == "Vice President, Investor Relations"
    assert active_contact_groups("fr")[0][1][0]["title"] == "Vice-présidente, Relations avec les investisseurs"
    assert active_contact_groups("en")[0][1][0]["title"] == "Vice President, Investor Relations"


def test_a_contact_in_one_language_is_snapshotted_as_before(company):
    """Releases of a company in one language keep the snapshot (and hash) they always had."""
    contact = MediaContactFactory(name="Dana Ferreira")
    assert "translations" not in contact.snapshot()


def test_the_french_dateline_is_written_as_a_canadian_wire_writes_it(bilingual):
    from django.utils import translation

    release = make_release(
        UserFactory(roles=[IR_AUTHOR]), dateline_city="Montréal", dateline_region="Québec", distribution="CNW"
    )
    content = release.revisions.get(number=1).content
    with translation.override("fr"):
        french = ReleaseDocument(languages.localized(content, "fr"), release=release).wire_dateline
    assert french == "MONTRÉAL, Québec, le 30 novembre 2026 /CNW/ --"
    english = ReleaseDocument(content, release=release).wire_dateline
    assert english == "MONTRÉAL, Québec, Nov. 30, 2026 (CNW) --"
