"""The news pages in each disclosure language: the French pages read the French text of the one public revision,
and no language is public before the embargo's second."""

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from releases.checks import CODES as EVERY_WARNING
from releases.services import release_update
from releases.workflow import release_approve, release_submit
from tests.factories import fresh_step_up, make_company, make_release

pytestmark = pytest.mark.django_db

ENGLISH = "Halvorsen Instruments Opens Calibration Laboratory in Tempe"
FRENCH = {
    "headline": "Halvorsen Instruments inaugure un laboratoire de métrologie à Tempe",
    "subheadline": "Quarante techniciens dès le printemps",
    "highlights": ["Ouverture au printemps 2027"],
    "body": "<p>Le laboratoire accueillera quarante techniciens.</p>",
}


@pytest.fixture
def embargo():
    return (timezone.now() + dt.timedelta(hours=2)).replace(second=0, microsecond=0)


@pytest.fixture
def release(author, approver, embargo):
    make_company(disclosure_languages=["en", "fr"])
    release = make_release(author, slug="tempe", headline=ENGLISH)
    release_update(actor=author, pk=release.pk, base_version=release.version, translations={"fr": FRENCH})
    release_submit(release_id=release.pk, actor=author)
    return release_approve(
        release_id=release.pk, actor=approver, acknowledged=EVERY_WARNING, publish_at=embargo, step_up=fresh_step_up()
    )


PAGES = ["/investors/news/tempe/", "/fr/investors/news/tempe/"]
LISTS = ["/investors/", "/investors/news/", "/investors/news/feed/", "/fr/investors/", "/fr/investors/news/"]


def test_before_the_embargo_no_language_is_public_on_any_page(client, release, embargo):
    with time_machine.travel(embargo - dt.timedelta(seconds=1), tick=False):
        assert [client.get(path).status_code for path in PAGES] == [404, 404]
        for path in [*LISTS, "/fr/investors/news/feed/", "/fr/investors/news/?q=techniciens"]:
            page = client.get(path).content.decode()
            assert ENGLISH not in page and FRENCH["headline"] not in page, path


def test_at_its_second_each_language_reads_its_own_text(client, release, embargo):
    with time_machine.travel(embargo, tick=False):
        english, french = (client.get(path).content.decode() for path in PAGES)
    assert ENGLISH in english and FRENCH["headline"] not in english
    assert FRENCH["headline"] in french and "Le laboratoire accueillera quarante techniciens." in french
    assert ENGLISH not in french
    assert "Halvorsen Instruments, Inc. (Nasdaq: HLVI) today reported results." in english


def test_the_french_archive_feed_and_search_show_the_french_text(client, release, embargo):
    with time_machine.travel(embargo + dt.timedelta(seconds=1), tick=False):
        for path in ["/fr/investors/", "/fr/investors/news/", "/fr/investors/news/feed/"]:
            page = client.get(path).content.decode()
            assert FRENCH["headline"] in page and ENGLISH not in page, path
        assert FRENCH["headline"] in client.get("/fr/investors/news/", {"q": "techniciens"}).content.decode()
        assert "No releases match" in client.get("/investors/news/", {"q": "techniciens"}).content.decode()
