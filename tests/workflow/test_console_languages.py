"""The one console in every disclosure language: a fieldset per secondary language on the form, each language on
the review screen and the preview, the comparison labelled by language."""

import pytest
from django.urls import reverse

from releases.models import Release
from tests.factories import make_company, make_release, release_fields, sign_in

pytestmark = pytest.mark.django_db

FRENCH = {
    "fr-headline": "Halvorsen Instruments publie ses résultats du troisième trimestre",
    "fr-subheadline": "Chiffre d'affaires en hausse de 12 %",
    "fr-highlights": "Chiffre d'affaires de 84,2 M$\n\n  Marge brute de 58,1 %  \n",
    "fr-body": '<p onmouseover="steal()">Halvorsen a publié ses résultats.</p><script>steal()</script>'
    '<table><tr><td data-bs-toggle="x">T3</td></tr></table>',
}


@pytest.fixture
def bilingual(db):
    return make_company(disclosure_languages=["en", "fr"])


def url(name, release=None, **kwargs):
    kwargs["kind"] = "releases"
    if release is not None:
        kwargs["pk"] = release.pk
    return reverse(f"console:{name}", kwargs=kwargs)


def form_data(**overrides):
    data = release_fields(**overrides)
    return data | {"highlights": "\n".join(data["highlights"]), "release_date": data["release_date"].isoformat()}


def test_the_form_has_a_fieldset_per_secondary_language_with_the_kind_s_translatable_fields(client, bilingual, author):
    sign_in(client, author)
    page = client.get(url("create")).content.decode()
    assert '<legend class="h5" lang="fr">Français</legend>' in page
    for name in ("headline", "subheadline", "highlights", "body"):
        assert f'name="fr-{name}"' in page
    assert 'name="fr-slug"' not in page and 'name="fr-about"' not in page
    form = client.get(url("create")).context["translation_forms"][0]
    assert form["body"].field.widget.attrs["data-rich-text"] == "true"  # the same editor as the English body
    assert form["body"].field.widget.attrs["lang"] == "fr"
    assert not form["headline"].field.required  # a draft may be saved in English alone


def test_a_company_with_one_language_has_no_translation_fieldset(client, company, author):
    sign_in(client, author)
    page = client.get(url("create"))
    assert page.context["translation_forms"] == []
    assert 'name="fr-headline"' not in page.content.decode()


def test_the_french_text_is_saved_with_the_release_cleaned_as_the_english_is(client, bilingual, author):
    sign_in(client, author)
    response = client.post(url("create"), form_data(slug="bilingue") | FRENCH)
    assert response.status_code == 302
    release = Release.objects.get(slug="bilingue")
    french = release.revisions.get().content["translations"]["fr"]
    assert french["headline"] == FRENCH["fr-headline"]
    assert french["highlights"] == ["Chiffre d'affaires de 84,2 M$", "Marge brute de 58,1 %"]
    assert french["body"] == (
        "<p>Halvorsen a publié ses résultats.</p><table><tbody><tr><td>T3</td></tr></tbody></table>"
    )
    assert release.translations["fr"] == french


def test_the_edit_form_shows_the_french_text_and_saving_it_unchanged_makes_no_revision(client, bilingual, author):
    sign_in(client, author)
    client.post(url("create"), form_data(slug="bilingue") | FRENCH)
    release = Release.objects.get(slug="bilingue")
    page = client.get(url("edit", release))
    form, french = page.context["form"], page.context["translation_forms"][0]
    assert french["highlights"].value() == "Chiffre d'affaires de 84,2 M$\nMarge brute de 58,1 %"
    data = {name: form[name].value() for name in form.fields if form[name].value() is not None}
    data |= {f"fr-{name}": french[name].value() for name in french.fields}
    data |= {"contacts": [], "base_version": page.context["base_version"]}
    assert client.post(url("edit", release), data).status_code == 302
    assert Release.objects.get(pk=release.pk).version == 1


def test_an_edit_of_the_french_text_alone_is_a_new_revision(client, bilingual, author):
    sign_in(client, author)
    client.post(url("create"), form_data(slug="bilingue") | FRENCH)
    release = Release.objects.get(slug="bilingue")
    edit = form_data(slug="bilingue") | FRENCH | {"fr-headline": "Un nouveau titre", "base_version": 1}
    assert client.post(url("edit", release), edit).status_code == 302
    release.refresh_from_db()
    assert (release.version, release.headline) == (2, "Halvorsen Instruments Reports Third Quarter Results")
    assert release.translations["fr"]["headline"] == "Un nouveau titre"


def test_a_bad_value_in_the_french_text_is_a_form_error_and_nothing_is_saved(client, bilingual, author):
    sign_in(client, author)
    response = client.post(url("create"), form_data(slug="bilingue") | FRENCH | {"fr-headline": "x" * 400})
    assert response.status_code == 200
    assert "Ensure this value has at most" in response.content.decode()
    assert not Release.objects.filter(slug="bilingue").exists()


def test_the_review_screen_names_the_missing_french_text_and_shows_each_language(client, bilingual, author):
    release = make_release(author)
    sign_in(client, author)
    page = client.get(url("detail", release)).content.decode()
    assert "French text missing: Headline, Subheadline, Highlights, Body" in page
    assert 'data-check="translation-fr" data-level="blocker"' in page
    assert 'lang="en"' in page and 'data-testid="language-missing"' in page


def test_the_preview_shows_the_release_in_each_language(client, bilingual, author):
    sign_in(client, author)
    client.post(url("create"), form_data(slug="bilingue") | FRENCH)
    release = Release.objects.get(slug="bilingue")
    page = client.get(url("preview", release)).content.decode()
    english = page.index('<section lang="en"')
    french = page.index('<section lang="fr"')
    assert english < page.index("Halvorsen Instruments Reports Third Quarter Results", english) < french
    assert page.index(FRENCH["fr-headline"]) > french
    assert 'id="release-headline-fr"' in page and 'id="release-headline-en"' in page


def test_the_comparison_labels_each_language(client, bilingual, author):
    sign_in(client, author)
    client.post(url("create"), form_data(slug="bilingue") | FRENCH)
    release = Release.objects.get(slug="bilingue")
    client.post(url("edit", release), form_data(slug="bilingue") | FRENCH | {"fr-headline": "Titre", "base_version": 1})
    page = client.get(url("history", release), {"a": 1, "b": 2}).content.decode()
    assert "Headline (French)" in page and "<ins>Titre</ins>" in page
    assert "Headline (English)" not in page  # the English did not change
