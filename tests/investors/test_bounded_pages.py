"""The public lists that could grow with the history are bounded: the events page by year and page, the events
calendar by a window, the sitemap by sections in pages; each in the same number of queries at any size."""

import datetime as dt
import re

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from icalendar import Calendar

from events.models import Event, EventRevision
from events.selectors import PAST_PAGE_SIZE
from events.services import event_update
from investors import sitemaps
from tests.events.builders import make_event, published
from tests.investors.conftest import add_published_copies, publish_now

pytestmark = pytest.mark.django_db

UTC = dt.UTC
# Tuesday, December 1, 2026: the company (America/Phoenix) is seven hours behind.
NOW = dt.datetime(2026, 12, 1, 17, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def at_now(settings):
    settings.PUBLIC_CACHE = False
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def upcoming(author, approver, company):
    return published(
        make_event(author, slug="winter-conference", starts_at=NOW + dt.timedelta(days=7)), author, approver
    )


def add_events(template: Event, starts: list[dt.datetime], prefix: str) -> None:
    """Published copies of ``template`` starting at ``starts``, each with its own revision, without the workflow."""
    revision = template.live_revision
    events = []
    for number, starts_at in enumerate(starts):
        copy = Event.objects.get(pk=template.pk)
        copy.pk = None
        copy.slug = f"{prefix}-{number}"
        copy.starts_at, copy.ends_at = starts_at, starts_at + dt.timedelta(minutes=45)
        copy.live_revision = copy.approved_revision = None
        copy.schedule_replay()
        events.append(copy)
    created = Event.objects.bulk_create(events)
    revisions = []
    for event in created:
        content = revision.content | {
            "slug": event.slug,
            "title": f"Presentation {event.slug}",
            "starts_at": event.starts_at.isoformat(),
            "ends_at": event.ends_at.isoformat(),
        }
        copy_revision = EventRevision(
            event=event,
            number=1,
            content=content,
            content_hash=EventRevision.hash_content(content),
            created_by_id=revision.created_by_id,
        )
        copy_revision.columns_from_content()
        revisions.append(copy_revision)
    for event, copy_revision in zip(created, EventRevision.objects.bulk_create(revisions), strict=True):
        event.live_revision = event.approved_revision = copy_revision
    Event.objects.bulk_update(created, ["live_revision", "approved_revision"])


def weekly(first: dt.datetime, count: int) -> list[dt.datetime]:
    return [first + dt.timedelta(weeks=number) for number in range(count)]


def listed(response) -> list[str]:
    return re.findall(r'data-testid="event-([\w-]+)"', response.content.decode())


def test_the_events_page_shows_the_upcoming_events_then_the_latest_year_by_pages(client, upcoming):
    # 25 past events in 2025 (company time), 3 in 2023, none in 2024 or in 2026 so far.
    add_events(upcoming, weekly(dt.datetime(2025, 1, 7, 17, tzinfo=UTC), 25), "y2025")
    add_events(upcoming, weekly(dt.datetime(2023, 3, 7, 17, tzinfo=UTC), 3), "y2023")

    landing = client.get("/investors/events/")
    page = landing.content.decode()
    assert landing.status_code == 200
    assert "Current and upcoming events" in page and "Past events in 2025" in page
    newest_first = [f"y2025-{number}" for number in range(24, -1, -1)]
    assert listed(landing) == ["winter-conference", *newest_first[:PAST_PAGE_SIZE]]
    years = re.search(r'<nav aria-label="Past events by year".*?</nav>', page, re.S).group(0)
    assert re.findall(r'href="\?year=(\d+)"', years) == ["2025", "2024", "2023"]
    assert 'href="?year=2025" aria-current="page">2025</a>' in page
    pages = re.search(r'<nav aria-label="Pages of the past events in 2025".*?</nav>', page, re.S).group(0)
    assert 'aria-current="page"><span class="visually-hidden">Page </span>1</a>' in pages
    assert 'rel="next" href="?year=2025&amp;page=2">Older events</a>' in pages

    second = client.get("/investors/events/?year=2025&page=2")
    assert second.status_code == 200
    assert listed(second) == newest_first[PAST_PAGE_SIZE:]  # the upcoming events lead only the first page
    assert "Current and upcoming events" not in second.content.decode()
    assert listed(client.get("/investors/events/?year=2023")) == ["y2023-2", "y2023-1", "y2023-0"]
    empty_year = client.get("/investors/events/?year=2024")
    assert empty_year.status_code == 200 and listed(empty_year) == []
    assert "No past events." in empty_year.content.decode()


@pytest.mark.parametrize("query", ["?year=2022", "?year=2027", "?year=20x5", "?year=2025&page=3", "?page=0"])
def test_a_year_or_page_the_list_does_not_have_answers_404_with_a_way_back(client, upcoming, query):
    add_events(upcoming, weekly(dt.datetime(2025, 1, 7, 17, tzinfo=UTC), 25), "y2025")
    add_events(upcoming, weekly(dt.datetime(2023, 3, 7, 17, tzinfo=UTC), 3), "y2023")
    response = client.get(f"/investors/events/{query}")
    assert response.status_code == 404
    assert 'role="alert"' in response.content.decode() and listed(response) == []


def test_the_news_archive_without_a_year_stops_at_its_newest_releases_and_leads_to_the_years(
    client, author, approver, company, monkeypatch
):
    from investors.views import news

    monkeypatch.setattr(news, "ALL_YEARS_SHOWN", 30)
    template = publish_now(author, approver, slug="base-release")
    add_published_copies(template, 45)  # one a day going back
    last = client.get("/investors/news/?page=2")
    assert last.status_code == 200 and "Older releases are listed by year" in last.content.decode()
    assert client.get("/investors/news/?page=3").status_code == 404
    year = NOW.year
    in_year = client.get(f"/investors/news/?year={year}")
    assert "Older releases are listed by year" not in in_year.content.decode()
    assert in_year.context["paginator"].count == 46  # a year lists every release of its own


def test_the_year_of_an_event_is_the_companys(client, upcoming):
    # 2:00 UTC on January 1, 2026 is still New Year's Eve in Phoenix.
    add_events(upcoming, [dt.datetime(2026, 1, 1, 2, tzinfo=UTC)], "new-years-eve")
    assert listed(client.get("/investors/events/?year=2025")) == ["new-years-eve-0"]
    assert client.get("/investors/events/?year=2026").status_code == 404


def test_the_lists_follow_the_revision_the_public_reads_not_a_pending_correction(client, author, approver, company):
    event = published(
        make_event(author, slug="moved", starts_at=dt.datetime(2025, 6, 10, 16, tzinfo=UTC)), author, approver
    )
    draft_start = dt.datetime(2024, 6, 11, 16, tzinfo=UTC)
    event_update(
        actor=author, pk=event.pk, base_version=event.version, starts_at=draft_start,
        ends_at=draft_start + dt.timedelta(hours=1),
    )  # fmt: skip
    assert Event.objects.get(pk=event.pk).starts_at == draft_start  # the row holds the correction
    assert listed(client.get("/investors/events/")) == ["moved"]
    assert listed(client.get("/investors/events/?year=2025")) == ["moved"]
    assert client.get("/investors/events/?year=2024").status_code == 404  # the correction's year gives nothing away
    # An upcoming event whose correction would move it into the past stays upcoming until it is approved.
    soon = published(make_event(author, slug="soon", starts_at=NOW + dt.timedelta(days=3)), author, approver)
    past_start = NOW - dt.timedelta(days=30)
    event_update(
        actor=author, pk=soon.pk, base_version=soon.version, starts_at=past_start,
        ends_at=past_start + dt.timedelta(hours=1),
    )  # fmt: skip
    landing = client.get("/investors/events/")
    assert listed(landing) == ["soon", "moved"]
    assert "No upcoming events" not in landing.content.decode()


def calendar_slugs(client) -> set[str]:
    response = client.get("/investors/events.ics")
    assert response.status_code == 200
    return {
        str(entry["url"]).rstrip("/").rsplit("/", 1)[-1]
        for entry in Calendar.from_ical(response.content).walk("VEVENT")
    }


def test_the_events_calendar_holds_thirteen_months_back_and_everything_ahead(client, upcoming):
    add_events(upcoming, [dt.datetime(2025, 10, 30, 17, tzinfo=UTC)], "fourteen-months-ago")
    add_events(upcoming, [dt.datetime(2025, 11, 2, 17, tzinfo=UTC)], "thirteen-months-ago")
    add_events(upcoming, [dt.datetime(2029, 5, 1, 17, tzinfo=UTC)], "in-three-years")
    assert calendar_slugs(client) == {"thirteen-months-ago-0", "winter-conference", "in-three-years-0"}
    # A month later the oldest one has left the calendar; its own page and calendar stay.
    with time_machine.travel(NOW + dt.timedelta(days=31), tick=False):
        assert calendar_slugs(client) == {"winter-conference", "in-three-years-0"}
        assert client.get("/investors/events/thirteen-months-ago-0.ics").status_code == 200


def test_the_sitemap_is_an_index_of_sections_each_in_pages_of_id_blocks(
    client, author, approver, upcoming, monkeypatch
):
    monkeypatch.setattr(sitemaps.ItemSitemap, "limit", 5)
    template = publish_now(author, approver, slug="base-release")
    add_published_copies(template, 7)
    newest = max(release.pk for release in template.__class__.objects.all())
    pages = -(-newest // 5)
    index = client.get("/sitemap.xml").content.decode()
    news_pages = re.findall(r"<loc>http://testserver/sitemap-news\.xml(?:\?p=(\d+))?</loc>", index)
    assert news_pages == ["", *[str(number) for number in range(2, pages + 1)]]
    assert "<loc>http://testserver/sitemap-events.xml</loc>" in index
    found = []
    for number in range(1, pages + 1):
        section = client.get(f"/sitemap-news.xml?p={number}").content.decode()
        shown = re.findall(r"<loc>http://testserver/investors/news/([\w-]+)/</loc>", section)
        assert len(shown) <= 5
        found += shown
    assert found == [release.slug for release in template.__class__.objects.order_by("-pk")]  # newest first
    assert upcoming.get_absolute_url() in client.get("/sitemap-events.xml").content.decode()  # the newest first
    for missing in (f"/sitemap-news.xml?p={pages + 1}", "/sitemap-news.xml?p=x", "/sitemap-unknown.xml"):
        assert client.get(missing).status_code == 404, missing


PAGES = [
    "/investors/news/",
    "/investors/events/",
    "/investors/events/?year=2025&page=2",
    "/investors/events.ics",
    "/sitemap.xml",
    "/sitemap-news.xml",
    "/sitemap-events.xml?p=1",
    "/sitemap-documents.xml",
    "/sitemap-pages.xml",
]


def query_counts(client) -> dict[str, int]:
    counts = {}
    for path in PAGES:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(path).status_code == 200, path
        counts[path] = len(queries)
    return counts


def test_the_bounded_pages_read_the_same_number_of_queries_at_any_size(client, author, approver, upcoming):
    template = publish_now(author, approver, slug="base-release")
    add_events(upcoming, weekly(dt.datetime(2025, 1, 7, 17, tzinfo=UTC), 25), "first")
    add_events(upcoming, [NOW + dt.timedelta(days=10)], "soon")
    small = query_counts(client)
    # Ten times as many events over more years, more upcoming, and many more releases.
    add_events(upcoming, weekly(dt.datetime(2016, 1, 5, 17, tzinfo=UTC), 250), "more")
    add_events(upcoming, weekly(NOW + dt.timedelta(days=20), 20), "later")
    add_published_copies(template, 300)
    large = query_counts(client)
    assert small == large
    assert max(large.values()) <= 10, large
