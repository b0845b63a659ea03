"""A release read in each disclosure language: the same public revision, public at the same second, searched in
the page's language."""

import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.utils import timezone, translation

from releases.checks import CODES as EVERY_WARNING
from releases.models import Release
from releases.selectors import public_document, public_documents, search_match, search_public
from releases.services import release_update
from releases.workflow import release_approve, release_submit
from tests.conftest import is_postgres
from tests.factories import fresh_step_up, make_company, make_release

pytestmark = pytest.mark.django_db

FRENCH = {
    "headline": "Halvorsen Instruments inaugure un laboratoire d'étalonnage à Tempe",
    "subheadline": "Un investissement de 12 M$ dans la métrologie",
    "highlights": ["Ouverture au printemps 2027"],
    "body": "<p>Le nouveau laboratoire accueillera quarante techniciens.</p>",
}


@pytest.fixture
def bilingual(db):
    return make_company(disclosure_languages=["en", "fr"])


def approved(author, approver, publish_at, **french):
    release = make_release(author, headline="Halvorsen Instruments Opens Calibration Laboratory in Tempe")
    release = release_update(
        actor=author, pk=release.pk, base_version=release.version, translations={"fr": FRENCH | french}
    )
    release_submit(release_id=release.pk, actor=author)
    release_approve(
        release_id=release.pk,
        actor=approver,
        acknowledged=EVERY_WARNING,
        publish_at=publish_at,
        step_up=fresh_step_up(),
    )
    return Release.objects.select_related("live_revision", "approved_revision").get(pk=release.pk)


def read(release, now, language):
    with translation.override(language):
        return public_document(release, now)


def test_each_language_reads_its_own_text_of_the_same_public_revision(bilingual, author, approver):
    release = approved(author, approver, timezone.now() - dt.timedelta(minutes=1))
    now = timezone.now()
    english, french = read(release, now, "en"), read(release, now, "fr")
    assert english.headline == "Halvorsen Instruments Opens Calibration Laboratory in Tempe"
    assert (french.headline, french.highlights, french.body) == (
        FRENCH["headline"],
        FRENCH["highlights"],
        FRENCH["body"],
    )
    assert english.revision.pk == french.revision.pk == release.approved_revision_id
    assert english.dateline == french.dateline  # what is not translated is the same in both


def test_before_the_embargo_no_language_is_public_and_at_its_second_every_one_is(bilingual, author, approver):
    embargo = (timezone.now() + dt.timedelta(hours=2)).replace(second=0, microsecond=0)
    release = approved(author, approver, embargo)
    with time_machine.travel(embargo - dt.timedelta(seconds=1), tick=False):
        now = timezone.now()
        assert [read(release, now, language) for language in ("en", "fr")] == [None, None]
        with translation.override("fr"):
            assert public_documents([release.pk], now) == []
    with time_machine.travel(embargo, tick=False):
        now = timezone.now()
        assert read(release, now, "en").headline.startswith("Halvorsen Instruments Opens")
        assert read(release, now, "fr").headline == FRENCH["headline"]


def test_a_release_published_before_the_company_wrote_in_french_reads_as_written(company, author, approver):
    release = make_release(author)
    release_submit(release_id=release.pk, actor=author)
    release_approve(
        release_id=release.pk,
        actor=approver,
        acknowledged=EVERY_WARNING,
        publish_at=timezone.now() - dt.timedelta(minutes=1),
        step_up=fresh_step_up(),
    )
    release = Release.objects.get(pk=release.pk)
    assert read(release, timezone.now(), "fr").headline == release.headline


def test_the_search_of_a_french_page_finds_the_french_words_and_an_english_page_the_english(
    bilingual, author, approver
):
    release = approved(author, approver, timezone.now() - dt.timedelta(minutes=1))
    now = timezone.now()
    public = Release.objects.public_newest_first(now)
    assert list(search_public(public, "techniciens", now, "fr")) == [release]
    assert list(search_public(public, "techniciens", now, "en")) == []
    assert list(search_public(public, "calibration laboratory", now, "en")) == [release]
    with translation.override("fr"):
        assert list(search_public(public, "laboratoire étalonnage", now)) == [release]


def test_on_postgresql_the_french_search_uses_its_gin_index(bilingual, author, approver):
    if not is_postgres():
        pytest.skip("the GIN index exists on PostgreSQL only")
    from releases.models import ReleaseRevision

    approved(author, approver, timezone.now())
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        plan = ReleaseRevision.objects.filter(search_match("laboratoire", "fr")).explain()
    assert "release_revision_search_fr" in plan
