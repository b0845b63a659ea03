"""The company's disclosure languages and a revision's text in each of them."""

import pytest

from irportal.workflow import languages
from irportal.workflow.engine import WorkflowSpec
from releases.models import Release
from tests.factories import make_company

pytestmark = pytest.mark.django_db

SPEC = WorkflowSpec(kind="sample", model=Release, translatable=("headline", "highlights", "body"))
CONTENT = {
    "headline": "Halvorsen Reports Third Quarter Results",
    "highlights": ["Revenue of $41.2 million"],
    "body": "<p>Revenue grew.</p>",
    "slug": "q3-results",
    "translations": {
        "fr": {
            "headline": "Halvorsen publie ses résultats du troisième trimestre",
            "highlights": ["Chiffre d'affaires de 41,2 M$"],
            "body": "<p>Le chiffre d'affaires a augmenté.</p>",
        }
    },
}


def test_a_company_discloses_in_the_primary_language_alone_unless_its_profile_says_more():
    make_company()
    assert languages.primary() == "en"
    assert languages.disclosure_languages() == ["en"]
    assert languages.secondary() == []


def test_the_profile_s_second_language_is_a_secondary_one():
    make_company(disclosure_languages=["en", "fr"])
    assert languages.disclosure_languages() == ["en", "fr"]
    assert languages.secondary() == ["fr"]
    assert languages.name("fr") == "Français"


def test_the_primary_language_reads_the_item_s_own_fields():
    assert languages.localized(CONTENT, "en") == CONTENT


def test_a_secondary_language_reads_its_translation_over_the_translatable_fields():
    french = languages.localized(CONTENT, "fr")
    assert french["headline"] == "Halvorsen publie ses résultats du troisième trimestre"
    assert french["highlights"] == ["Chiffre d'affaires de 41,2 M$"]
    assert french["body"] == "<p>Le chiffre d'affaires a augmenté.</p>"
    assert french["slug"] == "q3-results"
    assert CONTENT["headline"] == "Halvorsen Reports Third Quarter Results"  # the snapshot itself is untouched


def test_a_revision_without_text_in_a_language_reads_as_written_in_the_primary():
    assert languages.localized({"headline": "Results"}, "fr") == {"headline": "Results"}


def test_nothing_is_missing_when_every_filled_field_has_its_translation():
    assert languages.missing(SPEC, CONTENT, ["en", "fr"]) == []


def test_a_field_filled_in_the_primary_and_empty_in_a_secondary_language_is_missing():
    content = CONTENT | {"translations": {"fr": {"headline": "Résultats", "highlights": [" "], "body": "<p> </p>"}}}
    assert languages.missing(SPEC, content, ["en", "fr"]) == [("fr", "highlights"), ("fr", "body")]


def test_a_revision_with_no_translations_misses_every_filled_field():
    content = {"headline": "Results", "highlights": [], "body": "<p>Text</p>"}
    assert languages.missing(SPEC, content, ["en", "fr"]) == [("fr", "headline"), ("fr", "body")]


def test_a_field_empty_in_the_primary_language_is_not_required_in_the_others():
    content = {"headline": "Results", "highlights": [""], "body": "", "translations": {"fr": {"headline": "Résultats"}}}
    assert languages.missing(SPEC, content, ["en", "fr"]) == []


def test_only_the_languages_asked_for_are_required():
    assert languages.missing(SPEC, {"headline": "Results"}, ["en"]) == []
