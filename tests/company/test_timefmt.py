"""One way to write a time: the company's date style, seconds where they were set, the company's zone first; in
French, as Canadian French wires write it."""

from datetime import UTC, date, datetime, timedelta, timezone

import pytest
import time_machine
from django.template import Context, Template
from django.urls import reverse
from django.utils import translation

from company import timefmt
from events import timefmt as event_time
from tests.events.builders import START, make_event, published
from tests.factories import UserFactory, make_company, make_release, sign_in

EMBARGO_WITH_SECONDS = datetime(2026, 12, 11, 5, 17, 8, tzinfo=UTC)  # 12:17:08 am in New York


def test_a_time_keeps_the_seconds_it_was_set_with_and_adds_none():
    local = EMBARGO_WITH_SECONDS.astimezone(event_time.zone("America/New_York"))
    assert timefmt.clock(local) == "12:17:08 am"
    assert timefmt.clock(local.replace(second=0)) == "12:17 am"


@pytest.mark.parametrize(
    ("style", "expected"),
    [(timefmt.AP, "Friday, Dec. 11, 2026"), (timefmt.LONG, "Friday, December 11, 2026")],
)
def test_dates_are_written_in_the_style_in_force(style, expected):
    with timefmt.override(style):
        assert timefmt.date_text(date(2026, 12, 11), weekday=True) == expected
    assert timefmt.current_style() == timefmt.AP  # none in force: AP style


def test_a_lists_date_writer_writes_each_date_as_date_text_does():
    """The language and style are asked once for a list; each date is the one ``date_text`` writes."""
    days = [date(2026, month, day) for month in range(1, 13) for day in (1, 8, 28)]
    for language in ("en", "fr"):
        for style in (timefmt.AP, timefmt.LONG):
            with translation.override(language), timefmt.override(style):
                write = timefmt.date_writer()
                assert [write(day) for day in days] == [timefmt.date_text(day) for day in days]


def test_two_zones_lead_with_the_companys():
    assert event_time.dual_time(START, "America/Phoenix", "America/New_York") == "11:00 am EST/9:00 am MST"


@pytest.mark.django_db
def test_the_staff_pages_write_an_embargo_with_its_seconds(client, author, approver):
    make_company(home_time_zone="America/New_York")
    release = make_release(author, publish_at=EMBARGO_WITH_SECONDS)
    sign_in(client, author)
    page = client.get(reverse("console:detail", kwargs={"kind": "releases", "pk": release.pk})).content.decode()
    assert "embargo <time" in page
    assert "Dec. 11, 2026, 12:17:08 am EST</time>" in page


@pytest.mark.django_db
def test_the_companys_style_is_used_by_the_public_page_the_release_and_the_console(client, author, approver):
    from events.announce import build_announcement

    make_company(home_time_zone="America/New_York", date_style=timefmt.LONG)
    event = published(make_event(author, slug="winter"), author, approver)
    with time_machine.travel(datetime(2026, 11, 30, 12, tzinfo=UTC), tick=False):
        public = client.get("/investors/events/winter/").content.decode()
        sign_in(client, UserFactory(roles=["IR Author"]))
        staff = client.get(reverse("console:list", kwargs={"kind": "events"})).content.decode()
    assert "Tuesday, December 8, 2026, 11:00 am EST/9:00 am MST" in public
    assert "December 8, 2026, 11:00 am EST</time>" in staff
    with timefmt.override(timefmt.LONG):
        bullet = build_announcement([event]).bullets[0]
    assert "11:00 am EST/9:00 am MST, Tuesday, December 8, 2026, Scottsdale, Ariz." in bullet


# The French forms below are Canadian French wire style: CLDR's fr_CA names (HNE, décembre, vendredi), the Office
# québécois de la langue française's clock (11 h 30, 9 h) and "1er", no-break spaces inside a time.
NB = "\N{NO-BREAK SPACE}"


@pytest.fixture
def french():
    with translation.override("fr"):
        yield


@pytest.mark.parametrize(
    ("utc", "zone", "expected"),
    [
        (datetime(2026, 12, 11, 16, 30, tzinfo=UTC), "America/New_York", f"11{NB}h{NB}30 HNE"),
        (datetime(2026, 7, 11, 15, 30, tzinfo=UTC), "America/Toronto", f"11{NB}h{NB}30 HAE"),
        (datetime(2026, 12, 11, 17, 0, tzinfo=UTC), "America/Chicago", f"11{NB}h HNC"),
        (datetime(2026, 7, 11, 16, 0, tzinfo=UTC), "America/Winnipeg", f"11{NB}h HAC"),
        (datetime(2026, 12, 8, 16, 0, tzinfo=UTC), "America/Phoenix", f"9{NB}h HNR"),
        (datetime(2026, 7, 8, 15, 5, tzinfo=UTC), "America/Denver", f"9{NB}h{NB}05 HAR"),
        (datetime(2026, 12, 8, 21, 45, tzinfo=UTC), "America/Los_Angeles", f"13{NB}h{NB}45 HNP"),
        (datetime(2026, 7, 8, 20, 45, tzinfo=UTC), "America/Vancouver", f"13{NB}h{NB}45 HAP"),
        (datetime(2026, 12, 8, 14, 0, tzinfo=UTC), "America/Halifax", f"10{NB}h HNA"),
        (datetime(2026, 12, 8, 14, 0, tzinfo=UTC), "America/St_Johns", f"10{NB}h{NB}30 HNT"),
        (datetime(2026, 12, 8, 5, 17, 8, tzinfo=UTC), "America/New_York", f"0{NB}h{NB}17{NB}min{NB}08{NB}s HNE"),
    ],
)
def test_french_times_are_written_on_the_24_hour_clock_with_the_zones_french_abbreviation(french, utc, zone, expected):
    assert timefmt.clock_with_zone(utc.astimezone(event_time.zone(zone))) == expected


def test_a_zones_french_abbreviation_is_kept_for_each_offset_and_season(french):
    """Each zone's abbreviation is looked up once for each offset and season and kept: written again, winter and
    summer each keep their own, and a zone's offset before standard time (1850) its own too."""
    new_york = event_time.zone("America/New_York")
    for year, month, expected in ((2026, 12, "HNE"), (2026, 7, "HAE"), (2026, 12, "HNE"), (2026, 7, "HAE")):
        local = datetime(year, month, 11, 16, 30, tzinfo=UTC).astimezone(new_york)
        assert timefmt.clock_with_zone(local).endswith(f" {expected}"), (year, month)
    written_1850 = timefmt.clock_with_zone(datetime(1850, 7, 11, 16, 30, tzinfo=UTC).astimezone(new_york))
    assert written_1850.endswith(" HNE") and written_1850.startswith(f"11{NB}h{NB}33")


@pytest.mark.parametrize(
    ("utc", "zone", "expected"),
    [
        (datetime(2026, 12, 8, 16, 0, tzinfo=UTC), "Asia/Tokyo", f"1{NB}h UTC+9"),
        (datetime(2026, 12, 8, 16, 0, tzinfo=UTC), "Asia/Kolkata", f"21{NB}h{NB}30 UTC+5:30"),
        (datetime(2026, 12, 8, 16, 0, tzinfo=UTC), "America/Anchorage", f"7{NB}h UTC-9"),
        (datetime(2026, 7, 8, 16, 0, tzinfo=UTC), "Europe/London", f"17{NB}h UTC+1"),
        (datetime(2026, 12, 8, 16, 0, tzinfo=UTC), "UTC", f"16{NB}h UTC"),
    ],
)
def test_a_zone_without_a_french_abbreviation_is_written_as_its_offset_from_utc(french, utc, zone, expected):
    assert timefmt.clock_with_zone(utc.astimezone(event_time.zone(zone))) == expected
    assert timefmt.clock_with_zone(utc.astimezone(timezone(timedelta(hours=-5)))).endswith(" UTC-5")


def test_french_dates_write_the_month_out_whatever_the_companys_style(french):
    for style in (timefmt.AP, timefmt.LONG):
        with timefmt.override(style):
            assert timefmt.date_text(date(2026, 12, 11)) == "11 décembre 2026"
            assert timefmt.date_text(date(2026, 12, 11), weekday=True) == "vendredi 11 décembre 2026"
            assert timefmt.date_text(date(2026, 8, 1), weekday=True) == "samedi 1er août 2026"
            assert timefmt.short_date(date(2026, 2, 1)) == "1er février"
            assert timefmt.month_year(date(2026, 2, 1)) == "février 2026"


def test_a_french_date_and_time_are_joined_by_a(french):
    local = datetime(2026, 12, 11, 16, 30, tzinfo=UTC).astimezone(event_time.zone("America/Montreal"))
    assert timefmt.datetime_text(local) == f"11 décembre 2026 à 11{NB}h{NB}30 HNE"
    assert timefmt.datetime_text(local, weekday=True) == f"vendredi 11 décembre 2026 à 11{NB}h{NB}30 HNE"


def test_french_event_times_lead_with_the_companys_zone(french):
    assert event_time.dual_time(START, "America/Phoenix", "America/New_York") == f"11{NB}h HNE/9{NB}h HNR"
    assert event_time.when(START, "America/Phoenix", "America/New_York") == (
        f"mardi 8 décembre 2026 à 11{NB}h HNE/9{NB}h HNR"
    )
    evening = datetime(2026, 12, 8, 0, 0, tzinfo=UTC)  # 7:00 pm in New York on Dec. 7, 9:00 am in Tokyo on Dec. 8
    assert event_time.dual_time(evening, "Asia/Tokyo", "America/New_York") == f"19{NB}h HNE (7 décembre)/9{NB}h UTC+9"


def test_english_stays_as_it_was_written_when_french_is_not_active():
    local = datetime(2026, 12, 1, 16, 30, tzinfo=UTC).astimezone(event_time.zone("America/Montreal"))
    with translation.override("en"):
        assert timefmt.datetime_text(local, weekday=True) == "Tuesday, Dec. 1, 2026, 11:30 am EST"
        assert timefmt.month_year(local.date()) == "December 2026"


def test_the_staff_pages_month_heading_is_in_the_pages_language():
    page = Template('{% load company_time %}{{ day|when:"month" }}')
    with translation.override("fr"):
        assert page.render(Context({"day": date(2026, 2, 1)})) == '<time datetime="2026-02">février 2026</time>'
    assert page.render(Context({"day": date(2026, 2, 1)})) == '<time datetime="2026-02">February 2026</time>'


def test_djangos_own_filters_write_french_times_the_same_way(french):
    page = Template('{{ day|date }} · {{ moment|time }} · {{ day|date:"YEAR_MONTH_FORMAT" }}')
    context = Context({"day": date(2026, 12, 11), "moment": datetime(2026, 12, 11, 11, 30)})
    assert page.render(context) == f"11 décembre 2026 · 11{NB}h{NB}30 · décembre 2026"


def test_a_language_given_once_is_written_whatever_language_is_active():
    """A list of events asks the language once and says it with ``french``: each function writes that language,
    in a French page as in an English one."""
    local = datetime(2026, 12, 1, 16, 30, tzinfo=UTC).astimezone(event_time.zone("America/Montreal"))
    for active in ("en", "fr"):
        with translation.override(active):
            assert timefmt.clock_with_zone(local, french=True) == f"11{NB}h{NB}30 HNE"
            assert timefmt.clock_with_zone(local, french=False) == "11:30 am EST"
            assert timefmt.date_text(local.date(), weekday=True, french=True) == "mardi 1er décembre 2026"
            assert timefmt.short_date(local.date(), french=False) == "Dec. 1"
            assert timefmt.at("1er décembre 2026", f"11{NB}h", french=True) == f"1er décembre 2026 à 11{NB}h"
            assert event_time.when(START, "America/Phoenix", "America/New_York", french=False) == (
                "Tuesday, Dec. 8, 2026, 11:00 am EST/9:00 am MST"
            )
            assert event_time.dual_time(START, "America/Phoenix", "America/New_York", french=True) == (
                f"11{NB}h HNE/9{NB}h HNR"
            )
            assert event_time.local_date(START, "America/New_York", french=True) == "8 décembre 2026"
