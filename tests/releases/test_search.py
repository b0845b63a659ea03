"""The archive search: what it finds, what it never reveals, and bad input."""

import datetime as dt

import pytest
import time_machine
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from investors.views.news import MAX_QUERY_LENGTH
from releases.checks import CODES as EVERY_WARNING
from releases.models import Release
from releases.services import release_update
from releases.workflow import release_approve, release_publish, release_submit
from tests.conftest import is_postgres
from tests.factories import make_release

pytestmark = pytest.mark.django_db


def published(author, approver, **fields) -> Release:
    release = make_release(author, **fields)
    release_submit(release_id=release.pk, actor=author)
    release_approve(acknowledged=EVERY_WARNING, release_id=release.pk, actor=approver)
    return release_publish(release_id=release.pk, actor=approver)


def search(client, query: str, **params):
    return client.get("/investors/news/", {"q": query, **params})


def test_search_finds_releases_by_their_words(client, company, author, approver):
    published(author, approver, headline="Halvorsen Opens Calibration Laboratory in Tempe")
    published(author, approver, headline="Halvorsen Declares Quarterly Dividend")
    page = search(client, "laboratory tempe").content.decode()
    assert "Halvorsen Opens Calibration Laboratory in Tempe" in page
    assert "Declares Quarterly Dividend" not in page
    assert "1 release found for <q>laboratory tempe</q>" in page


def test_an_embargoed_release_is_never_found(client, embargoed):
    with time_machine.travel(embargoed.publish_at - dt.timedelta(seconds=1), tick=False):
        assert "Record Third Quarter" not in search(client, "record quarter").content.decode()
    with time_machine.travel(embargoed.publish_at, tick=False):
        assert "Record Third Quarter" in search(client, "record quarter").content.decode()


def test_an_unpublished_correction_is_never_searched(client, company, author, approver):
    release = published(author, approver, headline="Halvorsen Reports Fourth Quarter Results")
    release_update(
        actor=author,
        pk=release.pk,
        base_version=release.version,
        headline="Halvorsen Reports Fourth Quarter Results and Secret Acquisition",
    )
    assert "No releases match this search." in search(client, "acquisition").content.decode()
    assert "Fourth Quarter Results" in search(client, "fourth quarter").content.decode()


def test_on_postgresql_the_best_match_comes_first(client, company, author, approver):
    if not is_postgres():
        pytest.skip("ranked full-text search runs on PostgreSQL; SQLite lists matches newest first")
    published(
        author,
        approver,
        headline="Halvorsen Announces Board Changes",
        subheadline="",
        body="<p>The board thanked the team; the new metrology line opens in spring.</p>",
    )
    published(
        author,
        approver,
        headline="Halvorsen Metrology Systems Win Metrology Award for Metrology Accuracy",
        subheadline="",
    )
    page = search(client, "metrology").content.decode()
    assert page.index("Win Metrology Award") < page.index("Announces Board Changes")
    # Stemming: "awards" finds "Award".
    assert "Win Metrology Award" in search(client, "awards").content.decode()


def test_on_postgresql_the_search_uses_the_gin_index(company, author, approver):
    if not is_postgres():
        pytest.skip("the GIN index exists on PostgreSQL only")
    from releases.models import ReleaseRevision
    from releases.selectors import search_match

    published(author, approver, headline="Halvorsen Opens Calibration Laboratory")
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        plan = ReleaseRevision.objects.filter(search_match("laboratory")).explain()
    assert "release_revision_search" in plan


@pytest.mark.parametrize(
    "query",
    [
        "' OR 1=1 --",
        "'; DROP TABLE releases_release; --",
        '" AND "1"="1',
        "%_%",
        "calibration & | ! ( ) : * <->",
        "nul\x00byte",
        "\u202e\u0000\ud7ff emoji 📈",
        "-",
        "   ",
    ],
)
def test_hostile_or_odd_queries_get_an_answer(client, company, author, approver, query):
    published(author, approver, headline="Halvorsen Opens Calibration Laboratory")
    response = search(client, query)
    assert response.status_code == 200
    assert Release.objects.filter(headline="Halvorsen Opens Calibration Laboratory").exists()


def test_html_in_a_query_is_shown_as_text(client, company):
    response = search(client, '<script>alert("x")</script><img src=x onerror=alert(1)>')
    page = response.content.decode()
    assert response.status_code == 200
    assert "<script>alert" not in page
    assert "<img src=x" not in page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page


def test_a_ten_thousand_character_query_is_shortened_and_says_so(client, company, author, approver):
    published(author, approver, headline="Halvorsen Opens Calibration Laboratory")
    response = search(client, "calibration " * 910)
    page = response.content.decode()
    assert response.status_code == 200
    assert f"Searches use at most {MAX_QUERY_LENGTH} characters; the rest of your text was left out." in page
    assert "Halvorsen Opens Calibration Laboratory" in page


def test_a_search_page_out_of_range_is_a_clear_404(client, company, author, approver):
    published(author, approver, headline="Halvorsen Opens Calibration Laboratory")
    for page_number in ("2", "99999999999999999999", "x" * 5000):
        response = search(client, "calibration", page=page_number)
        assert response.status_code == 404
        assert "That page of the list does not exist; it has one page." in response.content.decode()


def test_search_within_a_year(client, company, author, approver):
    release = published(author, approver, headline="Halvorsen Opens Calibration Laboratory")
    year = release.first_published_at.year
    assert "Calibration Laboratory" in search(client, "calibration", year=year).content.decode()
    assert "Calibration Laboratory" not in search(client, "calibration", year=year - 1).content.decode()


def test_search_query_count_does_not_grow_with_matches(client, company, author, approver):
    counts = []
    for batch in range(2):
        for number in range(3 if batch == 0 else 12):
            published(author, approver, headline=f"Halvorsen Calibration Update {batch}-{number}")
        cache.clear()  # each measured from an empty cache: the company profile and contacts are read each time
        with CaptureQueriesContext(connection) as queries:
            assert search(client, "calibration").status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1] <= 10
