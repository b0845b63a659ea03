"""What the public lists show is what the public reads of releases and events say, at every moment."""

import datetime as dt

import pytest
import time_machine
from dateutil.relativedelta import relativedelta
from django.core.paginator import Paginator
from django.db.models import Max, Min
from django.utils import timezone

from events.models import Event, EventAnnouncement
from events.selectors import (
    CALENDAR_MONTHS_BACK,
    calendar_documents,
    events_page,
    investor_page_events,
    public_document,
)
from events.selectors import public_documents as public_event_documents
from events.services import event_cancel, event_update
from events.workflow import event_approve, event_submit, event_withdraw
from irportal.workflow.models import State, public_revision_column
from releases.checks import CODES as EVERY_WARNING
from releases.models import Audience, Release
from releases.selectors import (
    latest_public_documents,
    newest_public_ids,
    public_documents,
    public_ids_in_span,
    public_since_ends,
    year_span,
)
from releases.services import release_update
from releases.workflow import release_approve, release_submit, release_withdraw
from tests.events.builders import START, make_event, published
from tests.factories import MediaContactFactory, make_release
from tests.investors.conftest import publish_now

pytestmark = pytest.mark.django_db


def public_reading(now, count=None) -> list[tuple]:
    """(slug, headline) of every public release at ``now``, newest first, read straight from the workflow's rule."""
    releases = sorted(Release.objects.public(now), key=lambda release: (release.public_since, release.pk), reverse=True)
    rows = [(release.slug, release.public_revision(now).content["headline"]) for release in releases]
    return rows[:count] if count else rows


def shown(client, path, now, context_name) -> list[tuple]:
    with time_machine.travel(now, tick=False):
        response = client.get(path)
    assert response.status_code == 200
    page = response.content.decode()
    rows = [(doc.release.slug, doc.headline) for doc in response.context[context_name]]
    for slug, _ in rows:
        assert f"/investors/news/{slug}/" in page
    return rows


def test_the_lists_show_the_revision_the_public_reads_at_each_moment(client, company, author, approver, settings):
    settings.PUBLIC_CACHE = False
    now = timezone.now().replace(microsecond=0)
    embargo = now + dt.timedelta(hours=2)
    publish_now(author, approver, slug="on-the-wire", headline="On the wire")
    embargoed = make_release(author, slug="embargoed", headline="Not before the embargo")
    release_submit(release_id=embargoed.pk, actor=author)
    release_approve(acknowledged=EVERY_WARNING, release_id=embargoed.pk, actor=approver, publish_at=embargo)
    # A correction approved for the embargo: the public reads the first wording until then, the second after.
    corrected = publish_now(author, approver, slug="corrected", headline="First wording")
    release_update(actor=author, pk=corrected.pk, base_version=corrected.version, headline="Corrected wording")
    release_submit(release_id=corrected.pk, actor=author)
    release_approve(acknowledged=EVERY_WARNING, release_id=corrected.pk, actor=approver, publish_at=embargo)
    withdrawn = publish_now(author, approver, slug="withdrawn", headline="Withdrawn")
    release_withdraw(release_id=withdrawn.pk, actor=approver, reason="Issued in error")

    before, after = embargo - dt.timedelta(seconds=1), embargo
    seen = {}
    for moment in (now, before, after, embargo + dt.timedelta(days=1)):
        expected = public_reading(moment)
        assert shown(client, "/investors/", moment, "latest_releases") == expected[:5], moment
        assert shown(client, "/investors/news/", moment, "documents") == expected, moment
        seen[moment] = [headline for _, headline in expected]
    assert "Not before the embargo" not in seen[before] and "Not before the embargo" in seen[after]
    assert "First wording" in seen[before] and "Corrected wording" not in seen[before]
    assert "Corrected wording" in seen[after] and "First wording" not in seen[after]
    assert "Withdrawn" not in seen[before] + seen[after]


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


def test_the_release_documents_read_in_one_statement_are_the_orm_reading(company, author, approver):
    """``NEWEST_SQL`` (the Investor page's and the feed's releases) and ``DOCUMENTS_SQL`` (a list's releases by id)
    read what the ORM's rule reads: the same releases in the same order, each with the revision the public reads,
    through an embargo, a correction, a withdrawal, a gate, a draft and releases made public at the same second;
    ``PUBLIC_SINCE_ENDS_SQL`` (the archive's years) the same first and last moments."""
    first = timezone.now().replace(microsecond=0) - dt.timedelta(days=1)
    with time_machine.travel(first, tick=False):
        for number in range(3):
            publish_now(author, approver, slug=f"same-second-{number}", headline=f"Same second {number}")
    withdrawn = publish_now(author, approver, slug="withdrawn", headline="Withdrawn")
    release_withdraw(release_id=withdrawn.pk, actor=approver, reason="Issued in error")
    make_release(author, slug="draft", headline="Draft")
    embargo = timezone.now().replace(microsecond=0) + dt.timedelta(hours=2)
    corrected = publish_now(author, approver, slug="corrected", headline="First wording")
    release_update(actor=author, pk=corrected.pk, base_version=corrected.version, headline="Corrected wording")
    for release in (make_release(author, slug="embargoed", headline="Embargoed"), corrected):
        release_submit(release_id=release.pk, actor=author)
        release_approve(acknowledged=EVERY_WARNING, release_id=release.pk, actor=approver, publish_at=embargo)
    held = make_release(author, slug="held", headline="Held")
    release_submit(release_id=held.pk, actor=author)
    release_approve(acknowledged=EVERY_WARNING, release_id=held.pk, actor=approver, publish_at=embargo)
    gate = embargo + dt.timedelta(minutes=30)
    Release.objects.filter(pk=held.pk).update(held=True, gate_opens_at=gate)
    every_id = sorted(Release.objects.values_list("pk", flat=True), reverse=True)

    def orm_reading(releases, now):
        releases = releases.annotate(
            public_id=public_revision_column("id", now), public_content=public_revision_column("content", now)
        )
        return [
            (release.slug, release.public_id, release.public_content["headline"])
            for release in releases
            if release.status != State.WITHDRAWN and release.public_content is not None
        ]

    def read(documents):
        return [(document.release.slug, document.revision_id, document.headline) for document in documents]

    for moment in (embargo - dt.timedelta(seconds=1), embargo, gate - dt.timedelta(seconds=1), gate):
        for count in (2, 5, 50):
            newest = Release.objects.public_newest_first(moment)[:count]
            assert read(latest_public_documents(moment, count)) == orm_reading(newest, moment), (moment, count)
        by_id = Release.objects.filter(pk__in=every_id).order_by("-pk")
        assert read(public_documents(every_id, moment)) == orm_reading(by_id, moment), moment
        ends = Release.objects.public_newest_first(moment).aggregate(Min("public_since_at"), Max("public_since_at"))
        assert public_since_ends(moment) == tuple(ends.values()), moment
    assert read(public_documents(every_id, gate))[0][0] == "held"  # in the order of the ids asked for
    assert [headline for _, _, headline in read(latest_public_documents(gate, 3))] == [
        "Held",
        "Embargoed",
        "Corrected wording",
    ]


def paged(listed, per_page: int) -> list:
    """Every id of ``listed`` as a ``Paginator`` reads it, page after page."""
    paginator = Paginator(listed, per_page)
    return [pk for number in paginator.page_range for pk in paginator.page(number).object_list]


def test_the_archive_read_in_statements_is_the_orm_reading_in_company_time(client, company, author, approver, settings):
    """The archive's statements count and list, a page at a time, what the ORM reads: ``SPAN_COUNT_SQL`` and
    ``SPAN_IDS_SQL`` (a year) the public releases that became public in the year in the company's zone (not the
    process's), ``NEWEST_COUNT_SQL`` and ``NEWEST_IDS_SQL`` (no year) the newest public releases up to a cap:
    releases around New Year in company time, an embargo and a gate crossing it, a correction and a withdrawal."""
    settings.PUBLIC_CACHE = False
    zone = company.zone
    assert zone.key != settings.TIME_ZONE  # New Year in company time is not the process's

    def at(*moment):
        return dt.datetime(*moment, tzinfo=zone)

    def published_at(slug, moment):
        release = publish_now(author, approver, slug=slug, headline=slug)
        Release.objects.filter(pk=release.pk).update(first_published_at=moment, last_published_at=moment)
        return release

    def approved_for(slug, embargo, **columns):
        release = make_release(author, slug=slug, headline=slug)
        release_submit(release_id=release.pk, actor=author)
        release_approve(
            acknowledged=EVERY_WARNING,
            release_id=release.pk,
            actor=approver,
            publish_at=timezone.now() + dt.timedelta(days=1),
        )
        Release.objects.filter(pk=release.pk).update(publish_at=embargo, **columns)
        return release

    new_year = at(2026, 1, 1)
    for number, moment in enumerate((new_year - dt.timedelta(microseconds=1), new_year, new_year, at(2025, 6, 1))):
        published_at(f"around-new-year-{number}", moment)
    published_at("last-of-2026", at(2027, 1, 1) - dt.timedelta(seconds=1))
    published_at("first-of-2027", at(2027, 1, 1))
    corrected = published_at("corrected", at(2026, 12, 31, 23))
    release_update(actor=author, pk=corrected.pk, base_version=corrected.version, headline="Corrected")
    release_submit(release_id=corrected.pk, actor=author)
    release_approve(acknowledged=EVERY_WARNING, release_id=corrected.pk, actor=approver, publish_at=at(2027, 1, 2))
    release_withdraw(release_id=published_at("withdrawn", at(2026, 3, 1)).pk, actor=approver, reason="In error")
    embargo = new_year - dt.timedelta(seconds=1)
    approved_for("embargoed", embargo)
    gate = at(2027, 1, 1, 1)
    approved_for("held", at(2026, 12, 31, 22), held=True, gate_opens_at=gate)

    def orm_reading(now, year):
        with timezone.override(zone):
            releases = Release.objects.public_newest_first(now).filter(public_since_at__year=year)
            return list(releases.values_list("pk", flat=True))

    for now in (embargo - dt.timedelta(seconds=1), embargo, gate - dt.timedelta(seconds=1), gate, at(2027, 3, 1)):
        for year in (2025, 2026, 2027):
            expected = orm_reading(now, year)
            listed = public_ids_in_span(now, year_span(year, zone))
            assert listed.count() == len(expected), (now, year)
            assert paged(listed, 2) == expected, (now, year)
        newest = list(Release.objects.public_newest_first(now).values_list("pk", flat=True))
        for cap in (3, 4, 100):
            listed = newest_public_ids(now, cap)
            assert listed.count() == len(newest[:cap]), (now, cap)
            assert paged(listed, 2) == newest[:cap], (now, cap)
    late = at(2027, 3, 1)
    slugs = {year: [Release.objects.get(pk=pk).slug for pk in orm_reading(late, year)] for year in (2025, 2026, 2027)}
    assert slugs == {
        2025: ["around-new-year-0", "embargoed", "around-new-year-3"],
        2026: ["last-of-2026", "corrected", "around-new-year-2", "around-new-year-1"],
        2027: ["held", "first-of-2027"],
    }
    with time_machine.travel(late, tick=False):
        page = client.get("/investors/news/?year=2026")
    assert page.context["years"] == [2027, 2026, 2025]
    assert [document.release.pk for document in page.context["documents"]] == orm_reading(late, 2026)


def test_an_events_page_reads_its_announcement_as_the_orm_reads_it(company, author, approver):
    """``ANNOUNCEMENT_SQL`` reads the newest public release that announced the event, with the revision the public
    reads, as the ORM's rule reads it: through a correction's embargo, a withdrawal and a release made public at
    its embargo."""
    event = published(make_event(author, slug="winter-conference"), author, approver)
    embargo = timezone.now().replace(microsecond=0) + dt.timedelta(hours=2)
    later = embargo + dt.timedelta(hours=1)
    corrected = publish_now(author, approver, slug="first", headline="First wording")
    release_update(actor=author, pk=corrected.pk, base_version=corrected.version, headline="Corrected wording")
    release_submit(release_id=corrected.pk, actor=author)
    release_approve(acknowledged=EVERY_WARNING, release_id=corrected.pk, actor=approver, publish_at=embargo)
    withdrawn = publish_now(author, approver, slug="withdrawn", headline="Withdrawn")
    release_withdraw(release_id=withdrawn.pk, actor=approver, reason="Issued in error")
    embargoed = make_release(author, slug="embargoed", headline="Embargoed")
    release_submit(release_id=embargoed.pk, actor=author)
    release_approve(acknowledged=EVERY_WARNING, release_id=embargoed.pk, actor=approver, publish_at=later)
    for release in (corrected, withdrawn, embargoed):
        EventAnnouncement.objects.create(event=event, release=release, revision_number=1, content_hash="")

    def orm_reading(now):
        releases = Release.objects.public(now).filter(event_announcements__event_id=event.pk).order_by("-pk")
        return [(release.slug, release.public_revision(now).content["headline"]) for release in releases][:1]

    seen = []
    for moment in (embargo - dt.timedelta(seconds=1), embargo, later - dt.timedelta(seconds=1), later):
        announcement = public_document(event.slug, moment).announcement
        read = [(announcement.release.slug, announcement.headline)] if announcement else []
        assert read == orm_reading(moment), moment
        seen += read
    assert seen == [
        ("first", "First wording"),
        ("first", "Corrected wording"),
        ("first", "Corrected wording"),
        ("embargoed", "Embargoed"),
    ]


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


def test_a_correction_is_labelled_corrected_from_its_embargo_second_with_or_without_the_sweep(
    client, company, author, approver, settings
):
    from django.utils.feedgenerator import rfc2822_date

    from irportal.workflow.sweep import run_sweep

    settings.PUBLIC_CACHE = False
    first = timezone.now().replace(microsecond=0)
    with time_machine.travel(first, tick=False):
        release = publish_now(author, approver, slug="corrected", headline="First wording")
    embargo = first + dt.timedelta(days=2)  # a later day, for the sitemap's dates
    release_update(actor=author, pk=release.pk, base_version=release.version, headline="Corrected wording")
    release_submit(release_id=release.pk, actor=author)
    release_approve(acknowledged=EVERY_WARNING, release_id=release.pk, actor=approver, publish_at=embargo)

    def read(moment):
        with time_machine.travel(moment, tick=False):
            return tuple(
                client.get(path).content.decode()
                for path in ("/investors/news/corrected/", "/investors/news/feed/", "/sitemap-news.xml")
            )

    page, _, sitemap = read(embargo - dt.timedelta(seconds=1))
    assert "First wording" in page and "· Corrected" not in page
    assert f"<lastmod>{timezone.localdate(first).isoformat()}</lastmod>" in sitemap
    corrected_at = f'Corrected <time datetime="{embargo.isoformat()}">'
    page, feed, sitemap = read(embargo)  # the public reads the correction; no sweep has run
    assert "Corrected wording" in page and corrected_at in page
    assert f"<lastBuildDate>{rfc2822_date(embargo)}</lastBuildDate>" in feed  # the item's update time
    assert f"<lastmod>{timezone.localdate(embargo).isoformat()}</lastmod>" in sitemap
    with time_machine.travel(embargo + dt.timedelta(seconds=1), tick=False):
        run_sweep()
    assert read(embargo + dt.timedelta(seconds=1)) == read(embargo)


def reference_events_page(now, zone, home_zone):
    """The events page's lists computed the slow way from every public document: the years with past events, the
    upcoming events soonest first, and each year's past events most recent first (slugs)."""
    docs = public_event_documents(now, home_zone)
    past = [doc for doc in docs if doc.finished_at <= now]
    years = sorted({doc.starts_at.astimezone(zone).year for doc in past}, reverse=True)
    upcoming = sorted((doc for doc in docs if doc.finished_at > now), key=lambda doc: (doc.starts_at, doc.event.pk))
    by_year = {
        year: [
            doc.event.slug
            for doc in sorted(past, key=lambda doc: (doc.starts_at, doc.event.pk), reverse=True)
            if doc.starts_at.astimezone(zone).year == year
        ]
        for year in years
    }
    return years, [doc.event.slug for doc in upcoming], by_year


def test_the_events_page_and_calendar_match_the_full_public_reading_with_corrections_pending(company, author, approver):
    """The events page reads the published events along their own times and merges the few with a correction
    pending (whose row may hold other times than the revision the public reads), and the calendar reads them in
    one statement: at every moment, before and after a correction's embargo, each lists what the full public
    reading lists, in the same order (the calendar with the revision number it writes); an event's page reads the
    same revision of it, or none where the full reading has none."""
    embargo = START + dt.timedelta(days=3)

    def public_event(slug, days, **fields):
        return published(
            make_event(author, slug=slug, starts_at=START + dt.timedelta(days=days), **fields), author, approver
        )

    def moved(event, days):
        """A correction of ``event`` moving it to ``days`` from START (its row takes the new times at once)."""
        event = Event.objects.get(pk=event.pk)
        starts_at = START + dt.timedelta(days=days)
        return event_update(
            actor=author,
            pk=event.pk,
            base_version=event.version,
            starts_at=starts_at,
            ends_at=starts_at + dt.timedelta(minutes=45),
        )

    for slug, days in (("last-year", -400), ("this-spring", -200), ("last-week", -7), ("next-week", 7)):
        public_event(slug, days)
    # Drafted corrections: the public keeps reading the old times (one moved across a year, one into the future).
    moved(public_event("draft-across-years", -380), -30)
    moved(public_event("draft-into-future", -10), 20)
    # In review, moved from the future into the past.
    in_review = moved(public_event("review-into-past", 10), -500)
    event_submit(event_id=in_review.pk, actor=author)
    # Approved for the embargo: the old times until it, the new ones from it.
    approved = moved(public_event("approved-later", 1), 40)
    event_submit(event_id=approved.pk, actor=author)
    event_approve(event_id=approved.pk, actor=approver, publish_at=embargo)
    # Never published, public from its embargo; and a withdrawn one, never.
    first = make_event(author, slug="first-at-embargo", starts_at=START + dt.timedelta(days=5))
    event_submit(event_id=first.pk, actor=author)
    event_approve(event_id=first.pk, actor=approver, publish_at=embargo)
    withdrawn = public_event("withdrawn", 2)
    event_withdraw(event_id=withdrawn.pk, actor=approver, reason="Announced in error")

    zone, home_zone = company.zone, company.home_time_zone
    moments = [START + dt.timedelta(days=days) for days in (-1, 0, 1.5, 2.9)]
    moments += [
        embargo - dt.timedelta(seconds=1),
        embargo,
        embargo + dt.timedelta(days=1),
        START + dt.timedelta(days=60),
    ]
    for moment in moments:
        years, upcoming, by_year = reference_events_page(moment, zone, home_zone)
        page = events_page(moment, company=company, year=None, number=None, upcoming=True)
        assert page.years == years, moment
        assert [doc.event.slug for doc in page.upcoming] == upcoming, moment
        for year in years:
            listed = events_page(moment, company=company, year=year, number=None, upcoming=False)
            assert [doc.event.slug for doc in listed.documents] == by_year[year], (moment, year)
        since = moment - relativedelta(months=CALENDAR_MONTHS_BACK)
        calendar = sorted(
            (doc for doc in public_event_documents(moment, home_zone) if doc.starts_at >= since),
            key=lambda doc: (doc.starts_at, doc.event.pk),
        )
        assert [(doc.event.slug, doc.number) for doc in calendar_documents(moment, home_zone)] == [
            (doc.event.slug, doc.number) for doc in calendar
        ], moment
        public = {
            doc.event.slug: (doc.number, doc.title, doc.starts_at) for doc in public_event_documents(moment, home_zone)
        }
        for slug in Event.objects.values_list("slug", flat=True):
            found = public_document(slug, moment)
            assert (found and (found.number, found.title, found.starts_at)) == public.get(slug), (moment, slug)
        shown = {doc.event.slug for doc in page.upcoming} | {slug for slugs in by_year.values() for slug in slugs}
        assert "withdrawn" not in shown
        assert ("first-at-embargo" in shown) == (moment >= embargo), moment
        assert "review-into-past" in upcoming or moment >= START + dt.timedelta(days=10), moment
    before, after = (
        reference_events_page(embargo - dt.timedelta(seconds=1), zone, home_zone),
        reference_events_page(embargo, zone, home_zone),
    )
    assert "approved-later" not in before[1] and "approved-later" in after[1]
