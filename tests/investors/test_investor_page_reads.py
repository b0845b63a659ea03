"""The Investor page's lists, read by prepared statements, say what the ORM's public reads say, at every moment."""

import datetime as dt

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.urls import reverse, set_script_prefix
from django.utils import timezone

from events.selectors import investor_page_events
from events.selectors import public_documents as public_event_documents
from events.services import event_cancel
from events.workflow import event_approve, event_submit, event_withdraw
from irportal.addresses import address
from irportal.db import PreparedQuery, _cursor
from releases.models import Audience, Release
from releases.services import release_update
from releases.views import latest_public_documents, public_documents
from releases.workflow import release_approve, release_submit, release_withdraw
from tests.events.builders import START, make_event, published
from tests.factories import MediaContactFactory, make_release
from tests.investors.conftest import publish_now

pytestmark = pytest.mark.django_db


def orm_latest(now) -> list[tuple]:
    ids = Release.objects.public_newest_first(now).values_list("pk", flat=True)[:5]
    return [(doc.release.slug, doc.headline, doc.release.public_since) for doc in public_documents(ids, now)]


def prepared_latest(now) -> list[tuple]:
    return [(doc.release.slug, doc.headline, doc.release.public_since) for doc in latest_public_documents(now)]


def test_latest_news_reads_the_revision_the_public_reads_at_each_moment(company, author, approver):
    now = timezone.now().replace(microsecond=0)
    embargo = now + dt.timedelta(hours=2)
    publish_now(author, approver, slug="on-the-wire", headline="On the wire")
    embargoed = make_release(author, slug="embargoed", headline="Not before the embargo")
    release_submit(release_id=embargoed.pk, actor=author)
    release_approve(release_id=embargoed.pk, actor=approver, publish_at=embargo)
    # A correction approved for the embargo: the public reads the first wording until then, the second after.
    corrected = publish_now(author, approver, slug="corrected", headline="First wording")
    release_update(actor=author, pk=corrected.pk, base_version=corrected.version, headline="Corrected wording")
    release_submit(release_id=corrected.pk, actor=author)
    release_approve(release_id=corrected.pk, actor=approver, publish_at=embargo)
    withdrawn = publish_now(author, approver, slug="withdrawn", headline="Withdrawn")
    release_withdraw(release_id=withdrawn.pk, actor=approver, reason="Issued in error")

    before, after = embargo - dt.timedelta(seconds=1), embargo
    for moment in (now, before, after, embargo + dt.timedelta(days=1)):
        assert prepared_latest(moment) == orm_latest(moment)
    headlines_before = [headline for _, headline, _ in prepared_latest(before)]
    headlines_after = [headline for _, headline, _ in prepared_latest(after)]
    assert "Not before the embargo" not in headlines_before and "Not before the embargo" in headlines_after
    assert "First wording" in headlines_before and "Corrected wording" not in headlines_before
    assert "Corrected wording" in headlines_after and "First wording" not in headlines_after
    assert "Withdrawn" not in headlines_before + headlines_after


def reference_events(now, home_zone):
    """The Investor page's events computed the slow way: every public document, filtered and sorted in Python."""
    docs = public_event_documents(now, home_zone)
    upcoming = sorted((d for d in docs if d.is_upcoming and not d.cancelled), key=lambda d: d.starts_at)
    replays = sorted(
        (d for d in docs if not d.is_upcoming and d.replay.state == "available"),
        key=lambda d: d.starts_at,
        reverse=True,
    )
    return [d.event.slug for d in upcoming[:5]], [d.event.slug for d in replays[:5]]


def test_upcoming_events_and_open_replays_match_the_full_public_reading(company, author, approver):
    replay = {"replay_url": "https://webcast.example/hlvi/replay", "replay_days": 7}

    def public_event(slug, day, **fields):
        event = make_event(author, slug=slug, starts_at=START + dt.timedelta(days=day), **fields)
        return published(event, author, approver)

    for number, day in enumerate((0, 1, 3, 9)):
        public_event(f"call-{number}", day, **replay)
    public_event("no-replay", 2)
    cancelled = public_event("cancelled", 4, **replay)
    event_cancel(actor=approver, pk=cancelled.pk, reason="The conference was called off")
    withdrawn = public_event("withdrawn", 5)
    event_withdraw(event_id=withdrawn.pk, actor=approver, reason="Announced in error")
    embargoed = make_event(author, slug="embargoed", starts_at=START + dt.timedelta(days=6))
    event_submit(event_id=embargoed.pk, actor=author)
    event_approve(event_id=embargoed.pk, actor=approver, publish_at=START + dt.timedelta(days=1))

    moments = [START + dt.timedelta(hours=hours) for hours in (-2, 0, 0.5, 1, 30, 80, 24 * 12, 24 * 30)]
    seen_replays = set()
    for moment in moments:
        found = investor_page_events(moment, home_zone=company.home_time_zone)
        upcoming = [doc.event.slug for doc in found["upcoming_events"]]
        replays = [doc.event.slug for doc in found["replays_now"]]
        assert (upcoming, replays) == reference_events(moment, company.home_time_zone), moment
        seen_replays.update(replays)
        assert "withdrawn" not in upcoming and "cancelled" not in upcoming
        # Public from its embargo (a day before it starts) until it is over.
        assert ("embargoed" in upcoming) == (START + dt.timedelta(days=1) <= moment < START + dt.timedelta(days=6))
    assert {"call-0", "call-1"} <= seen_replays


def test_a_prepared_query_returns_what_its_querysets_return(company, author, approver):
    now = timezone.now().replace(microsecond=0)
    for number in range(4):
        release = make_release(author, slug=f"scheduled-{number}")
        release_submit(release_id=release.pk, actor=author)
        release_approve(release_id=release.pk, actor=approver, publish_at=now + dt.timedelta(hours=number))
    public = lambda at: Release.objects.public(at).order_by("-publish_at").values_list("slug", "publish_at")[:2]  # noqa: E731
    later = lambda at: Release.objects.filter(publish_at__gt=at).order_by("slug").values_list("slug", "publish_at")  # noqa: E731
    both = PreparedQuery(Release, public, later)
    for hours in (-1, 0, 1.5, 5):
        moment = now + dt.timedelta(hours=hours)
        assert both.rows(moment) == [list(public(moment)), list(later(moment))]
    assert [slug for slug, _ in both.rows(now + dt.timedelta(hours=1.5))[0]] == ["scheduled-1", "scheduled-0"]


def test_a_prepared_query_that_ignores_the_time_refuses_to_run(db):
    query = PreparedQuery(Release, lambda at: Release.objects.values_list("slug"))
    with pytest.raises(ImproperlyConfigured, match="does not use the time"):
        query.rows(timezone.now())


def test_addresses_are_the_reversed_ones_under_each_script_prefix():
    assert address("news:detail", "q3-results") == reverse("news:detail", args=["q3-results"])
    set_script_prefix("/ir/")
    try:
        assert address("news:detail", "q3-results") == "/ir/investors/news/q3-results/"
    finally:
        set_script_prefix("/")
    assert address("news:detail", "q3-results") == "/investors/news/q3-results/"


def test_contacts_are_escaped_and_dialable(client, company):
    MediaContactFactory(
        name="<script>alert(1)</script>", title="IR & Treasury", phone="+1 480 555 0100", audience=Audience.INVESTORS
    )
    page = client.get("/investors/").content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;, IR &amp; Treasury" in page
    assert '<a href="tel:+14805550100">+1 480 555 0100</a>' in page


def test_a_contact_added_shows_at_once(client, company, django_capture_on_commit_callbacks):
    MediaContactFactory(name="Ira Investor", audience=Audience.INVESTORS)
    assert "Ira Investor" in client.get("/investors/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        MediaContactFactory(name="Mia Media", audience=Audience.MEDIA)
    page = client.get("/investors/").content.decode()
    assert "Ira Investor" in page and "Mia Media" in page


def test_without_the_cache_the_page_reads_the_database(client, company, settings):
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": "redis://127.0.0.1:1/0"}
    }
    MediaContactFactory(name="Ira Investor", audience=Audience.INVESTORS)
    response = client.get("/investors/")
    assert response.status_code == 200
    assert "Ira Investor" in response.content.decode() and company.legal_name in response.content.decode()


def test_on_postgresql_the_lists_are_prepared_statements(company, author, approver):
    if connection.vendor != "postgresql":
        pytest.skip("prepared statements are a PostgreSQL matter")
    publish_now(author, approver, headline="On the wire")
    now = timezone.now()
    for _ in range(3):
        assert [doc.headline for doc in latest_public_documents(now)] == ["On the wire"]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT generic_plans + custom_plans FROM pg_prepared_statements WHERE statement LIKE %s",
            ['%"releases_release"."slug"%'],
        )
        executions = [row[0] for row in cursor.fetchall()]
    assert executions and max(executions) >= 3


def test_with_prepared_statements_off_the_lists_read_the_same(company, author, approver, monkeypatch):
    publish_now(author, approver, headline="On the wire")
    now = timezone.now()
    prepared = prepared_latest(now)
    monkeypatch.setitem(connection.settings_dict["OPTIONS"], "prepare_threshold", None)
    assert prepared_latest(now) == prepared == orm_latest(now)
    with _cursor(connection) as cursor, connection.cursor() as djangos:  # binds on the client, never prepares
        assert type(cursor.cursor) is type(djangos.cursor)
