"""The public cache never lies: embargoes, withdrawals, conditional GETs, query counts."""

import datetime as dt
import logging
import re
import time
from urllib.parse import urlsplit

import pytest
import time_machine
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.db.models import DateTimeField, Value
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import resolve
from django.utils import timezone
from django.utils.http import http_date

from company.services import company_profile_update
from investors import cache as investors_cache
from investors import schedule
from investors.cache import GENERATION_KEY, PagePolicy, invalidate_public_pages, warm_public_pages
from irportal.celery import app as celery_app
from irportal.ops.moments import Moments
from irportal.workflow.sweep import run_sweep
from releases.checks import CODES as EVERY_WARNING
from releases.models import Release
from releases.workflow import release_approve, release_submit, release_withdraw
from tests.conftest import in_parallel, use_broker, wait_for
from tests.factories import MediaContactFactory, make_release
from tests.investors.conftest import add_published_copies, publish_now

pytestmark = pytest.mark.django_db

HEADLINE = "Halvorsen Reports Record Third Quarter"
PUBLIC_PAGES = ["/investors/", "/investors/news/", "/investors/news/feed/", "/sitemap-news.xml"]


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
    expected = HEADLINE if path != "/sitemap-news.xml" else f"/investors/news/{embargoed.slug}/"
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


@pytest.fixture
def embargoed_on_the_minute(company, author, approver):
    """A release approved to go public at a whole minute, as every embargo typed on the console is."""
    publish_at = timezone.now().replace(second=0, microsecond=0) + dt.timedelta(hours=2)
    release = make_release(author, slug="q3-results", headline=HEADLINE)
    release_submit(release_id=release.pk, actor=author)
    return release_approve(acknowledged=EVERY_WARNING, release_id=release.pk, actor=approver, publish_at=publish_at)


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_lifetimes_never_reach_past_the_next_change_nor_give_it_away(
    client, embargoed_on_the_minute, path, public_cache, settings
):
    """Before an embargo the answers' lifetimes are those of a site with nothing scheduled at all."""
    settings.PUBLIC_CACHE_PROXY_SECONDS = 600
    settings.PUBLIC_CACHE_BROWSER_SECONDS = 600
    embargo = embargoed_on_the_minute.publish_at
    for seconds_before in (3600, 45, 30, 2):
        moment = embargo - dt.timedelta(seconds=seconds_before)
        with time_machine.travel(moment, tick=False):
            browser, proxy = max_ages(client.get(path))
        assert proxy <= seconds_before and browser <= seconds_before
        # To the next minute boundary, as on a site with nothing scheduled.
        assert (browser, proxy) == (60 - moment.second, 60 - moment.second)


def test_a_change_scheduled_off_the_minute_is_never_outlived(client, embargoed, public_cache, settings):
    """A script may schedule a change at any second: until it passes, answers are not kept at all."""
    settings.PUBLIC_CACHE_PROXY_SECONDS = 600
    embargo = embargoed.publish_at.replace(second=17)
    Release.objects.filter(pk=embargoed.pk).update(publish_at=embargo)
    with time_machine.travel(embargo - dt.timedelta(seconds=10), tick=False):
        assert max_ages(client.get("/investors/")) == (0, 0)
    with time_machine.travel(embargo - dt.timedelta(seconds=30), tick=False):
        assert max_ages(client.get("/investors/"))[1] == 13  # to the minute boundary before the change


def test_without_a_scheduled_change_the_ceilings_apply(client, company, settings, public_cache):
    settings.PUBLIC_CACHE_PROXY_SECONDS = 60
    settings.PUBLIC_CACHE_BROWSER_SECONDS = 0
    with time_machine.travel(timezone.now().replace(second=0, microsecond=0), tick=False):
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


def test_a_withdrawal_the_cache_missed_is_invalidated_when_the_cache_is_back(
    client, embargoed, approver, public_cache, settings, django_capture_on_commit_callbacks
):
    from irportal.workflow import outbox
    from irportal.workflow.models import OutboxMessage

    with time_machine.travel(embargoed.publish_at + dt.timedelta(minutes=1), tick=False):
        run_sweep()
        assert shows(client, "/investors/", f"/investors/news/{embargoed.slug}/")
        working = settings.CACHES
        settings.CACHES = {
            "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": "redis://127.0.0.1:1/0"}
        }
        with django_capture_on_commit_callbacks(execute=True):
            release_withdraw(release_id=embargoed.pk, actor=approver, reason="Issued in error")
        announcement = OutboxMessage.objects.filter(handler="workflow.state_changed").latest("pk")
        assert announcement.status == OutboxMessage.Status.PENDING and announcement.last_error
        # The cache is back with the copies it held: the announcement, tried again, drops them.
        settings.CACHES = working
        assert shows(client, "/investors/", f"/investors/news/{embargoed.slug}/")
        assert outbox.run(announcement.pk) is True
        assert not shows(client, "/investors/", f"/investors/news/{embargoed.slug}/")


def test_the_sweep_keeps_the_copies_made_since_the_embargo_which_say_what_a_new_render_would(
    client, company, author, approver, public_cache, settings, django_capture_on_commit_callbacks
):
    from releases.workflow import release_approve, release_submit

    release = make_release(author, headline="Halvorsen Names a New Chief Financial Officer")
    release_submit(release_id=release.pk, actor=author)
    publish_at = timezone.now().replace(microsecond=0) + dt.timedelta(minutes=5)
    release_approve(acknowledged=EVERY_WARNING, release_id=release.pk, actor=approver, publish_at=publish_at)
    pages = [*PUBLIC_PAGES, release.get_absolute_url()]
    with time_machine.travel(publish_at - dt.timedelta(seconds=1), tick=False):
        assert not shows(client, "/investors/", "Chief Financial Officer")
    with time_machine.travel(publish_at, tick=False):  # the copies before the embargo ended at it
        kept = {path: client.get(path).content for path in pages}
    assert "Chief Financial Officer" in kept["/investors/"].decode()
    generation = cache.get(GENERATION_KEY)
    with time_machine.travel(publish_at + dt.timedelta(seconds=10), tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            assert run_sweep()["releases.publish"] == [release.pk]
        assert cache.get(GENERATION_KEY) == generation
        with CaptureQueriesContext(connection) as queries:
            served = {path: client.get(path).content for path in pages}
        settings.PUBLIC_CACHE = False
        rendered = {path: client.get(path).content for path in pages}
    assert len(queries) == 0  # every page from its copy
    assert served == kept == rendered


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
    fixed = Release.objects.filter(pk=embargoed.pk)

    def at(moment):
        return [Moments(fixed.annotate(moment=Value(moment, output_field=DateTimeField())), "moment")]

    schedule.register("test.sooner", lambda now: at(later))
    schedule.register("test.past", lambda now: at(now - dt.timedelta(days=1)))
    try:
        assert schedule.next_change(now) == later
        assert schedule.next_change(embargoed.publish_at) is None
    finally:
        schedule._SOURCES.pop("test.sooner")
        schedule._SOURCES.pop("test.past")


PAGES_FOR_COUNTS = ["/investors/", "/investors/news/", "/investors/news/feed/", "/sitemap.xml", "/sitemap-news.xml"]


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


def renders(caplog) -> list[str]:
    return [record.getMessage() for record in caplog.records if record.name == "investors.cache.renders"]


def copy_of(path: str, host: str = "testserver", secure: bool = False):
    """The cached copy of ``path`` as a visitor of ``host`` is answered from, and the current generation."""
    request = RequestFactory().get(path, headers={"host": host}, secure=secure)
    policy = resolve(path).func.public_page
    return investors_cache.CachedPage.from_stored(cache.get(policy.key(request))), cache.get(GENERATION_KEY)


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("public_cache", ["redis"], indirect=True)
def test_a_miss_is_rendered_once_while_the_other_requests_wait_for_its_copy(company, public_cache, caplog):
    caplog.set_level(logging.INFO, logger="investors.cache.renders")
    answers = in_parallel(*[lambda: Client().get("/investors/news/") for _ in range(6)])
    assert {answer.status_code for answer in answers} == {200}
    assert len({answer.content for answer in answers}) == 1
    assert len(renders(caplog)) == 1


def test_a_request_renders_the_page_itself_when_another_render_takes_too_long(
    client, company, public_cache, caplog, monkeypatch
):
    monkeypatch.setattr(investors_cache, "RENDER_WAIT_SECONDS", 0.3)
    caplog.set_level(logging.INFO, logger="investors.cache.renders")
    invalidate_public_pages()
    request = RequestFactory().get("/investors/")
    # Another process has started rendering this page in this generation and never finishes.
    held = investors_cache._lock_key(PagePolicy().key(request), cache.get(GENERATION_KEY))
    cache.add(held, 1, timeout=60)
    started = time.monotonic()
    response = client.get("/investors/")
    assert response.status_code == 200
    assert "Halvorsen Instruments, Inc." in response.content.decode()
    assert time.monotonic() - started >= 0.3
    assert len(renders(caplog)) == 1


def test_warming_renders_the_front_pages_for_the_site_address_through_every_middleware(
    client, company, public_cache, settings
):
    settings.SITE_URL = "https://ir.example.com"
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "ir.example.com"]
    assert warm_public_pages() == [("/investors/", 200), ("/investors/news/", 200), ("/investors/news/feed/", 200)]
    with CaptureQueriesContext(connection) as queries:
        for path in ("/investors/", "/investors/news/", "/investors/news/feed/"):
            response = client.get(path, headers={"host": "ir.example.com"}, secure=True)
            assert response.status_code == 200
            assert response["X-Frame-Options"] == "DENY"
    assert len(queries) == 0


def test_after_an_invalidation_a_worker_renders_the_front_pages_before_anybody_asks(
    client, company, public_cache, celery_worker
):
    client.get("/investors/")
    invalidate_public_pages()
    host = urlsplit(settings.SITE_URL).netloc

    def front_pages_warm():
        copies = [copy_of(path, host) for path in ("/investors/", "/investors/news/", "/investors/news/feed/")]
        return all(copy is not None and copy.generation == generation for copy, generation in copies)

    wait_for(front_pages_warm)
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/investors/", headers={"host": host}).status_code == 200
    assert len(queries) == 0


def test_an_invalidation_with_the_broker_down_starts_the_new_generation_at_once(company, public_cache):
    before = cache.get(GENERATION_KEY)
    previous = celery_app.conf.broker_url
    use_broker(celery_app, "redis://127.0.0.1:9/0")
    try:
        started = time.monotonic()
        invalidate_public_pages()
        elapsed = time.monotonic() - started
    finally:
        use_broker(celery_app, previous)
    assert cache.get(GENERATION_KEY) not in {None, before}
    assert elapsed < 0.5


def queued_tasks() -> int:
    with celery_app.connection_for_write() as broker:
        return broker.default_channel.queue_declare("celery", passive=True).message_count


@pytest.mark.parametrize("public_cache", ["redis"], indirect=True)
def test_a_burst_of_invalidations_queues_one_warming_until_a_worker_starts_it(company, public_cache, redis_url):
    previous = celery_app.conf.broker_url
    use_broker(celery_app, redis_url)
    try:
        celery_app.control.purge()
        for _ in range(20):  # a sweep changing twenty rows
            invalidate_public_pages()
        assert queued_tasks() == 1
        warm_public_pages()
        invalidate_public_pages()
        assert queued_tasks() == 2
    finally:
        celery_app.control.purge()
        use_broker(celery_app, previous)
