"""The calendar writer: every entry has an end (the event's own or the stated default duration), and control
characters are refused instead of being written into a subscriber's calendar."""

import random
from datetime import timedelta

import pytest
from django.utils import timezone
from icalendar import Calendar
from icalendar.parser import foldline

from events.ics import DEFAULT_DURATION, UnsafeCalendarText, calendar_bytes, fold, vevent
from events.selectors import public_documents
from tests.events.builders import START, make_event, published

pytestmark = pytest.mark.django_db


def served_entry(client, event):
    return Calendar.from_ical(client.get(f"/investors/events/{event.slug}.ics").content).walk("VEVENT")[0]


def test_an_event_without_an_end_lasts_the_default_duration_in_calendars(client, author, approver, company):
    event = published(make_event(author, ends_at=None), author, approver)
    entry = served_entry(client, event)
    assert timedelta(hours=1) == DEFAULT_DURATION
    assert entry.decoded("dtend") == START + DEFAULT_DURATION
    assert entry["dtend"].params["TZID"] == "America/Phoenix"


def test_an_event_with_an_end_keeps_it(client, author, approver, company):
    event = published(make_event(author, ends_at=START + timedelta(minutes=40)), author, approver)
    assert served_entry(client, event).decoded("dtend") == START + timedelta(minutes=40)


def test_each_entry_links_the_event_page(client, author, approver, company, settings):
    event = published(make_event(author), author, approver)
    body = Calendar.from_ical(client.get("/investors/events.ics").content)
    assert [str(entry["url"]) for entry in body.walk("VEVENT")] == [
        f"{settings.SITE_URL.rstrip('/')}/investors/events/{event.slug}/"
    ]


def test_a_bare_carriage_return_in_a_title_is_refused_and_the_feed_leaves_that_event_out(
    company, author, approver, caplog
):
    published(make_event(author, title="Q3 earnings call"), author, approver)
    bad = published(make_event(author, title="Investor day"), author, approver)
    # What a row written before forms cleaned their input might hold.
    revision = bad.live_revision
    revision.content["title"] = "Investor day\rBEGIN:VEVENT\rSUMMARY:Dividend cut call"
    type(revision).objects.filter(pk=revision.pk).update(content=revision.content)
    now = timezone.now()
    documents = sorted(public_documents(now), key=lambda doc: doc.event.pk)
    with pytest.raises(UnsafeCalendarText):
        vevent(documents[1], stamp=now, url="https://ir.example.com/investors/events/investor-day/")
    body = calendar_bytes(documents, name="Events", now=now)
    assert b"Q3 earnings call" in body and b"Dividend cut call" not in body and b"\r\r" not in body
    assert body.count(b"BEGIN:VEVENT") == 1
    assert "left out of the calendar" in caplog.text


def test_a_correction_reaches_calendars_at_its_embargo_with_a_higher_sequence_swept_or_not(
    client, author, approver, company, settings
):
    import time_machine

    from events.models import Event
    from events.services import event_update
    from events.workflow import event_approve, event_submit
    from irportal.workflow.sweep import run_sweep

    settings.PUBLIC_CACHE = False
    event = published(make_event(author), author, approver)
    first = int(served_entry(client, event)["sequence"])
    embargo = timezone.now().replace(microsecond=0) + timedelta(hours=1)
    moved = {"starts_at": START + timedelta(hours=2), "ends_at": START + timedelta(hours=3)}
    event_update(actor=author, pk=event.pk, base_version=event.version, **moved)
    event_submit(event_id=event.pk, actor=author)
    event_approve(event_id=event.pk, actor=approver, publish_at=embargo)
    with time_machine.travel(embargo - timedelta(seconds=1), tick=False):
        before = served_entry(client, event)
    with time_machine.travel(embargo, tick=False):
        at_embargo = served_entry(client, event)  # no sweep has run
        run_sweep()
        swept = served_entry(client, event)
    assert int(before["sequence"]) == first and before.decoded("dtstart") == START
    assert int(at_embargo["sequence"]) == Event.objects.get(pk=event.pk).version > first
    assert at_embargo.decoded("dtstart") == START + timedelta(hours=2)
    assert int(swept["sequence"]) == int(at_embargo["sequence"])


def test_lines_are_folded_exactly_as_icalendar_folds_them():
    """ASCII and French text, two- three- and four-byte characters, at every length around the fold."""
    real = [
        "SUMMARY:Résultats annuels 2026 : conférence téléphonique avec la direction générale et le directeur financier",
        "DESCRIPTION:Intervenants : Présidente-directrice générale\\, Directeur financier\\n\\nWebcast en direct : "
        "https://example.com/webcast/événement-annuel?langue=fr&accès=public",
        "LOCATION:Salle Ève — 12 rue de l\u2019Économie\\, 75008 Paris",
        "X-WR-CALNAME:Événements investisseurs",
        "URL:https://ir.example.com/fr/investors/events/bench-event-00012/",
        "",
    ]
    alphabet = "abcXYZ 0123,;:\\éèàçÉœ€—\u2019中文字😀🎉"
    rng = random.Random(5545)
    generated = [
        "".join(rng.choice(alphabet[: rng.randint(1, len(alphabet))]) for _ in range(length))
        for length in list(range(0, 160)) * 3 + [rng.randint(160, 1000) for _ in range(200)]
    ]
    for line in real + generated:
        assert fold(line) == foldline(line), line
