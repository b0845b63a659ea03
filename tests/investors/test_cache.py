"""The public cache never lies: embargoes, withdrawals, conditional GETs, query counts."""

import datetime as dt
import re

import pytest
import time_machine
from django.core.cache import cache
from django.utils import timezone
from django.utils.http import http_date

from company.services import company_profile_update
from investors import schedule
from investors.cache import GENERATION_KEY, invalidate_public_pages
from irportal.workflow.sweep import run_sweep
from releases.checks import CODES as EVERY_WARNING
from releases.workflow import release_withdraw
from tests.factories import MediaContactFactory, make_release
from tests.investors.conftest import add_published_copies, publish_now

pytestmark = pytest.mark.django_db

HEADLINE = "Halvorsen Reports Record Third Quarter"
PUBLIC_PAGES = ["/investors/", "/investors/news/", "/investors/news/feed/", "/sitemap.xml"]


def max_ages(response) -> tuple[int, int]:
    control = response["Cache-Control"]
    assert control.startswith("public")
    return int(re.search(r"(?<!s-)max-age=(\d+)", control)[1]), int(re.search(r"s-maxage=(\d+)", control)[1])


def shows(client, path, text) -> bool:
    return text in client.get(path).content.decode()


def test_a_second_visit_to_the_investor_page_runs_no_sql(client, company, author, approver, public_cache):
    publish_now(author, approver, headline="Halvorsen Opens a Calibration Lab")
    MediaContactFactory(name="Ira Investor")
    first = client.get("/investors/")
    assert "Halvorsen Opens a Calibration Lab" in first.content.decode()
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        second = client.get("/investors/")
    assert len(queries) == 0, [query["sql"] for query in queries]
    assert second.content == first.content
    assert second["ETag"] == first["ETag"]


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_a_cached_page_never_shows_a_release_before_its_embargo(client, embargoed, path, public_cache):
    expected = HEADLINE if path != "/sitemap.xml" else f"/investors/news/{embargoed.slug}/"
    for seconds_before in (3600, 60, 1):
        with time_machine.travel(embargoed.publish_at - dt.timedelta(seconds=seconds_before), tick=False):
            assert not shows(client, path, expected)
    # No sweep, no invalidation: the copy made a second before simply ends at the embargo.
    with time_machine.travel(embargoed.publish_at, tick=False):
        assert shows(client, path, expected)


def test_a_cached_release_page_answers_404_until_the_embargo_then_the_release(client, embargoed, public_cache):
    path = f"/investors/news/{embargoed.slug}/"
    with time_machine.travel(embargoed.publish_at - dt.timedelta(seconds=1), tick=False):
        client.get("/investors/")
        assert client.get(path).status_code == 404
    with time_machine.travel(embargoed.publish_at, tick=False):
        response = client.get(path)
    assert response.status_code == 200
    assert HEADLINE in response.content.decode()


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_s_maxage_never_reaches_past_the_next_scheduled_change(client, embargoed, path, public_cache, settings):
    settings.PUBLIC_CACHE_PROXY_SECONDS = 600
    settings.PUBLIC_CACHE_BROWSER_SECONDS = 600
    for seconds_before in (45, 30, 2):
        with time_machine.travel(embargoed.publish_at - dt.timedelta(seconds=seconds_before), tick=False):
            browser, proxy = max_ages(client.get(path))
        assert proxy <= seconds_before
        assert browser <= seconds_before
    with time_machine.travel(embargoed.publish_at - dt.timedelta(seconds=45), tick=False):
        assert max_ages(client.get(path)) == (45, 45)


def test_without_a_scheduled_change_the_ceilings_apply(client, company, settings, public_cache):
    settings.PUBLIC_CACHE_PROXY_SECONDS = 60
    settings.PUBLIC_CACHE_BROWSER_SECONDS = 0
    response = client.get("/investors/")
    assert response["Cache-Control"] == "public, max-age=0, s-maxage=60"


def test_a_withdrawal_drops_the_cached_pages_at_once(
    client, embargoed, approver, public_cache, django_capture_on_commit_callbacks
):
    with time_machine.travel(embargoed.publish_at + dt.timedelta(minutes=1), tick=False):
        run_sweep()
        for path in PUBLIC_PAGES:
            assert shows(client, path, f"/investors/news/{embargoed.slug}/")
        with django_capture_on_commit_callbacks(execute=True):
            release_withdraw(release_id=embargoed.pk, actor=approver, reason="Issued in error")
        for path in PUBLIC_PAGES:
            assert not shows(client, path, f"/investors/news/{embargoed.slug}/"), path
        assert client.get(f"/investors/news/{embargoed.slug}/").status_code == 410


def test_publication_by_the_sweep_drops_the_cached_pages_at_once(
    client, company, author, approver, public_cache, django_capture_on_commit_callbacks
):
    from releases.workflow import release_approve, release_submit

    release = make_release(author, headline="Halvorsen Names a New Chief Financial Officer")
    release_submit(release_id=release.pk, actor=author)
    publish_at = timezone.now().replace(microsecond=0) + dt.timedelta(minutes=5)
    release_approve(acknowledged=EVERY_WARNING, release_id=release.pk, actor=approver, publish_at=publish_at)
    with time_machine.travel(publish_at - dt.timedelta(seconds=1), tick=False):
        assert not shows(client, "/investors/", "Chief Financial Officer")
    generation = cache.get(GENERATION_KEY)
    with time_machine.travel(publish_at + dt.timedelta(seconds=10), tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            run_sweep()
        assert cache.get(GENERATION_KEY) != generation
        assert shows(client, "/investors/", "Chief Financial Officer")


def test_profile_and_contact_changes_show_at_once(client, company, public_cache, django_capture_on_commit_callbacks):
    from irportal.accounts.roles import IR_ADMIN
    from tests.factories import UserFactory

    assert shows(client, "/investors/", "Halvorsen Instruments, Inc.")
    with django_capture_on_commit_callbacks(execute=True):
        company_profile_update(actor=UserFactory(roles=[IR_ADMIN]), legal_name="Halvorsen Precision, Inc.")
    assert shows(client, "/investors/", "Halvorsen Precision, Inc.")
    with django_capture_on_commit_callbacks(execute=True):
        MediaContactFactory(name="Noor Newcontact")
    assert shows(client, "/investors/", "Noor Newcontact")


def test_invalidate_public_pages_is_seen_by_every_instance(client, company, public_cache):
    """Another web instance shares only the cache: a new generation there is a new generation here."""
    client.get("/investors/")
    company.legal_name = "Renamed Without Signals, Inc."
    type(company).objects.filter(pk=company.pk).update(legal_name=company.legal_name)
    assert not shows(client, "/investors/", company.legal_name)
    invalidate_public_pages()
    assert shows(client, "/investors/", company.legal_name)


def test_conditional_gets_answer_304_until_the_page_changes(
    client, company, author, approver, public_cache, django_capture_on_commit_callbacks
):
    first = client.get("/investors/")
    etag, last_modified = first["ETag"], first["Last-Modified"]
    assert client.get("/investors/", headers={"if-none-match": etag}).status_code == 304
    assert client.get("/investors/", headers={"if-modified-since": last_modified}).status_code == 304
    not_modified = client.get("/investors/", headers={"if-none-match": etag})
    assert not_modified["ETag"] == etag
    assert not_modified.content == b""
    with django_capture_on_commit_callbacks(execute=True):
        publish_now(author, approver, headline="Halvorsen Raises Its Dividend")
    changed = client.get("/investors/", headers={"if-none-match": etag, "if-modified-since": last_modified})
    assert changed.status_code == 200
    assert "Halvorsen Raises Its Dividend" in changed.content.decode()
    assert changed["ETag"] != etag
    # Changed within the same second still gets a later Last-Modified, so If-Modified-Since alone is safe.
    assert client.get("/investors/", headers={"if-modified-since": last_modified}).status_code == 200


def test_an_unchanged_page_rendered_again_keeps_its_last_modified(client, company, public_cache):
    with time_machine.travel(dt.datetime(2026, 12, 1, 15, 0, tzinfo=dt.UTC), tick=False):
        first = client.get("/investors/")
    invalidate_public_pages()
    with time_machine.travel(dt.datetime(2026, 12, 1, 15, 0, 30, tzinfo=dt.UTC), tick=False):
        again = client.get("/investors/", headers={"if-modified-since": first["Last-Modified"]})
    assert again.status_code == 304
    assert first["Last-Modified"] == http_date(dt.datetime(2026, 12, 1, 15, 0, tzinfo=dt.UTC).timestamp())


def test_search_results_are_never_stored(client, company, author, approver, public_cache):
    publish_now(author, approver, headline="Halvorsen Expands Calibration Capacity")
    response = client.get("/investors/news/?q=calibration")
    assert response["Cache-Control"] == "no-cache"
    assert "Halvorsen Expands Calibration Capacity" in response.content.decode()


def test_query_parameters_the_page_does_not_read_share_one_copy(client, company, public_cache):
    client.get("/investors/news/")
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        client.get("/investors/news/?utm_source=newsletter")
    assert len(queries) == 0


def test_a_cache_outage_costs_speed_not_the_page(client, company, settings):
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": "redis://127.0.0.1:1/0"}
    }
    response = client.get("/investors/")
    assert response.status_code == 200
    assert "Halvorsen Instruments, Inc." in response.content.decode()


def test_the_schedule_answers_the_earliest_future_change(embargoed):
    now = embargoed.publish_at - dt.timedelta(hours=1)
    assert schedule.next_change(now) == embargoed.publish_at
    later = embargoed.publish_at - dt.timedelta(minutes=10)
    schedule.register("test.sooner", lambda now: later)
    schedule.register("test.past", lambda now: now - dt.timedelta(days=1))
    try:
        assert schedule.next_change(now) == later
        assert schedule.next_change(embargoed.publish_at) is None
    finally:
        schedule._SOURCES.pop("test.sooner")
        schedule._SOURCES.pop("test.past")


PAGES_FOR_COUNTS = ["/investors/", "/investors/news/", "/investors/news/feed/", "/sitemap.xml"]


@pytest.mark.parametrize("path", PAGES_FOR_COUNTS)
def test_uncached_query_counts_do_not_grow_with_the_number_of_releases(
    client, company, author, approver, path, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    template = publish_now(author, approver, slug="base-release")
    MediaContactFactory()
    counts = {}
    for total, added, prefix in ((10, 9, "first"), (200, 190, "more")):
        add_published_copies(template, added, prefix)
        invalidate_public_pages()
        with CaptureQueriesContext(connection) as queries:
            assert client.get(path).status_code == 200
        counts[total] = len(queries)
    assert counts[10] == counts[200]
    invalidate_public_pages()
    with django_assert_max_num_queries(10):
        client.get(path)


def test_uncached_release_page_query_count_is_small(client, company, author, approver, django_assert_max_num_queries):
    release = publish_now(author, approver, slug="one-release")
    add_published_copies(release, 199)
    with django_assert_max_num_queries(5):
        assert client.get("/investors/news/one-release/").status_code == 200
    with django_assert_max_num_queries(0):
        assert client.get("/investors/news/one-release/").status_code == 200


def test_a_page_answered_from_the_cache_keeps_every_security_header(client, company, public_cache):
    first = client.get("/investors/")
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        second = client.get("/investors/")
    assert len(queries) == 0
    for header in ("Content-Security-Policy", "X-Frame-Options", "X-Content-Type-Options", "Referrer-Policy"):
        assert second[header] == first[header], header
    assert "'unsafe-inline'" not in second["Content-Security-Policy"]


def test_with_the_cache_switched_off_every_visit_renders_the_page(client, company, settings):
    settings.PUBLIC_CACHE = False
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get("/investors/")
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/investors/")
    assert len(queries) > 0
    assert response["Cache-Control"] == "no-cache"
