import re
from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from events.announce import announcement_release, build_announcement
from events.models import Event, EventAnnouncement
from events.services import event_cancel, event_replay_window_change, event_update
from events.workflow import event_approve, event_submit
from irportal.accounts.roles import IR_ADMIN, IR_APPROVER
from irportal.audit.models import AuditEntry
from irportal.workflow.models import State
from releases.checks import CODES, release_checks
from releases.models import Audience, Release
from releases.services import boilerplate_save
from releases.workflow import release_approve, release_submit
from tests.events.builders import START, event_fields, make_event, published
from tests.factories import MediaContactFactory, UserFactory, fresh_step_up, make_release, shown_revision, sign_in

pytestmark = pytest.mark.django_db

# Wednesday, January 13, 2027, 8:30 am in New York (EST).
JANUARY = datetime(2027, 1, 13, 13, 30, tzinfo=UTC)
# Every test runs on Monday, November 30, 2026: the events are still to come.
TODAY = datetime(2026, 11, 30, 15, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def on_announcement_day():
    with time_machine.travel(TODAY, tick=False):
        yield


def page_of(event) -> str:
    return f"http://127.0.0.1:8000/investors/events/{event.slug}/"


@pytest.fixture
def two_events(author, approver, company):
    winter = published(make_event(author), author, approver)
    january = make_event(
        author,
        title="Fireside chat at the Northeast Growth Conference",
        organizer="Northeast Growth Conference",
        starts_at=JANUARY,
        time_zone="America/New_York",
        location="New York, N.Y.",
        presenters=[{"name": "Tomas Brandt", "title": "Chief Financial Officer"}],
        replay_days=30,
    )
    return winter, published(january, author, approver)


def test_one_bullet_per_event_with_both_zones_date_conference_city_presenter(two_events, company):
    announcement = build_announcement(list(reversed(two_events)), company=company)
    assert announcement.headline == (
        "Halvorsen Instruments, Inc. Announces Webcast of Presentations at Upcoming Investor Conferences"
    )
    assert announcement.lead.startswith("Halvorsen Instruments, Inc. (Nasdaq: HLVI) today announced")
    # Wire order: the conference, the time in both zones, the date and city, then who presents.
    winter, january = two_events
    assert announcement.bullets == [
        f'<a href="{page_of(winter)}"><strong>Winter Technology Conference</strong></a>, 11:00 am EST/9:00 am MST, '
        "Tuesday, Dec. 8, 2026, Scottsdale, Ariz.<br>Presenter: Ingrid Halvorsen, President and CEO",
        f'<a href="{page_of(january)}"><strong>Northeast Growth Conference</strong></a>, 8:30 am EST, '
        "Wednesday, Jan. 13, 2027, New York, N.Y.<br>Presenter: Tomas Brandt, Chief Financial Officer",
    ]


def test_the_lead_says_what_the_company_does_as_the_profile_describes_it(two_events, company):
    company.lead_description = "a maker of precision calibration systems"
    company.save()
    assert build_announcement(list(two_events), company=company).lead == (
        "Halvorsen Instruments, Inc. (Nasdaq: HLVI), a maker of precision calibration systems, today announced "
        "that members of its management team will present at the following investor conferences:"
    )


def test_the_title_follows_the_conference_only_when_it_says_more(author, approver, company):
    chat = published(
        make_event(
            author,
            title="Fireside chat with the CFO",
            organizer="Northeast Growth Conference",
            location="",
            presenters=[
                {"name": "Tomas Brandt", "title": "Chief Financial Officer"},
                {"name": "Ana Ruiz", "title": ""},
            ],
        ),
        author,
        approver,
    )
    untitled = published(make_event(author, title="Investor Day 2027", organizer=""), author, approver)
    bullets = build_announcement([chat, untitled], company=company).bullets
    assert bullets[0] == (
        f'<a href="{page_of(chat)}"><strong>Northeast Growth Conference</strong></a>: Fireside chat with the CFO, '
        "11:00 am EST/9:00 am MST, Tuesday, Dec. 8, 2026.<br>Presenters: Tomas Brandt, Chief Financial Officer; "
        "Ana Ruiz"
    )
    assert bullets[1].startswith(
        f'<a href="{page_of(untitled)}"><strong>Investor Day 2027</strong></a>, 11:00 am EST/9:00 am MST, Tuesday'
    )


def test_the_webcast_is_on_the_investor_section_of_the_company_website_as_written(two_events, company):
    company.website = "www.halvorsen-instruments.example"
    company.investor_section_name = "Investors"
    company.save()
    assert build_announcement(list(two_events), company=company).webcast_sentence == (
        "A live webcast of each presentation will be available on the Investors section of "
        'Halvorsen\'s website at <a href="https://www.halvorsen-instruments.example">'
        "www.halvorsen-instruments.example</a>."
    )


def test_without_a_company_website_the_webcast_is_on_this_sites_investor_page(two_events, company, settings):
    settings.SITE_URL = "https://ir.halvorsen.example"
    assert company.website == ""
    assert build_announcement([two_events[0]], company=company).webcast_sentence == (
        "A live webcast of the presentation will be available on Halvorsen's Investor Information page at "
        '<a href="https://ir.halvorsen.example/investors/">ir.halvorsen.example/investors/</a>.'
    )


def test_the_replay_sentence_comes_from_each_events_own_window(two_events, company):
    announcement = build_announcement(list(two_events), company=company)
    assert announcement.replay_sentences == [
        "A replay of the Winter Technology Conference webcast will be available for one week following the event.",
        "A replay of the Northeast Growth Conference webcast will be available for 30 days following the event.",
    ]


def test_one_sentence_when_every_window_agrees_and_it_follows_a_window_change(two_events, approver, company):
    winter, january = two_events
    event_replay_window_change(actor=approver, pk=winter.pk, days=30, reason="Align with the January event")
    winter.refresh_from_db()
    announcement = build_announcement([winter, january], company=company)
    assert announcement.replay_sentences == [
        "A replay of each webcast will be available for 30 days following the event."
    ]
    assert winter.replay_expires_at - winter.replay_available_at == timedelta(days=30)


def draft_announcement(author, events):
    return announcement_release(
        actor=author,
        events=list(events),
        dateline_city="Phoenix",
        dateline_region="Ariz.",
        release_date=date(2026, 11, 30),
        distribution="BUSINESS WIRE",
    )


def test_the_draft_release_is_in_wire_form_and_enters_the_release_workflow(two_events, author, company):
    MediaContactFactory(name="Dana Ferreira")
    MediaContactFactory(name="Milo Press", audience=Audience.MEDIA)
    MediaContactFactory(name="Former Agency", is_active=False)
    release = draft_announcement(author, two_events)
    assert release.status == State.DRAFT
    body = release.revisions.get(number=1).content["body"]
    link = f'<a href="{page_of(two_events[0])}" rel="noopener noreferrer nofollow">'
    assert f"<li>{link}<strong>Winter Technology Conference</strong></a>, 11:00 am EST/9:00 am MST" in body
    assert "available for 30 days following the event." in body
    assert sorted(contact.name for contact in release.contacts.all()) == ["Dana Ferreira", "Milo Press"]


def test_the_draft_gets_the_latest_default_about_and_forward_looking_texts(two_events, author, company):
    admin = UserFactory(roles=[IR_ADMIN])

    def save(name, kind, text, pk=None, is_default=True):
        return boilerplate_save(actor=admin, pk=pk, name=name, kind=kind, title=name, text=text, is_default=is_default)

    about = save("About Halvorsen", "about", "<p>Old</p>")
    about = save("About Halvorsen", "about", "<p>New</p>", pk=about.boilerplate.pk)
    save("Other", "about", "<p>Other</p>", is_default=False)
    safe_harbor = save("Forward-Looking Statements", "safe_harbor", "<p>Risks.</p>")
    release = draft_announcement(author, two_events)
    assert (release.about, release.safe_harbor) == (about, safe_harbor)
    content = release.revisions.get(number=1).content
    assert (content["about"]["text"], content["safe_harbor"]["text"]) == ("<p>New</p>", "<p>Risks.</p>")


def test_the_console_previews_then_creates_the_draft(client, two_events, author, company):
    sign_in(client, author)
    data = {
        "events": [event.pk for event in two_events],
        "dateline_city": "Phoenix",
        "dateline_region": "Ariz.",
        "release_date": "2026-11-30",
        "distribution": "BUSINESS WIRE",
    }
    company.website = "www.halvorsen-instruments.example"
    company.save()
    preview = client.post(reverse("events_staff:announce"), data, HTTP_HOST="localhost")
    assert "11:00 am EST/9:00 am MST" in preview.content.decode()
    assert '<a href="https://www.halvorsen-instruments.example">www.halvorsen-instruments.example</a>' in (
        preview.content.decode()
    )
    assert "localhost" not in preview.context["preview"].webcast_sentence
    assert not Release.objects.exists()
    client.post(reverse("events_staff:announce"), data | {"create": "1"})
    assert Release.objects.get().headline.endswith("Upcoming Investor Conferences")


def test_past_withdrawn_and_cancelled_events_cannot_be_announced(client, author, approver, company):
    past = published(make_event(author, starts_at=START - timedelta(days=60)), author, approver)
    cancelled = published(make_event(author), author, approver)
    event_cancel(actor=approver, pk=cancelled.pk, reason="Called off")
    sign_in(client, author)
    for event in (past, cancelled):
        response = client.post(reverse("events_staff:announce"), {"events": [event.pk], "create": "1"})
        assert response.context["form"].errors["events"]
    assert not Release.objects.exists()


def test_events_need_not_be_public_to_be_announced(client, author, approver, company):
    draft = make_event(author, title="Draft day")
    in_review = make_event(author, title="In review day")
    event_submit(event_id=in_review.pk, actor=author)
    approved = make_event(author, title="Approved day")
    event_submit(event_id=approved.pk, actor=author)
    event_approve(event_id=approved.pk, actor=approver, step_up=fresh_step_up())
    sign_in(client, author)
    data = {
        "events": [draft.pk, in_review.pk, approved.pk],
        "dateline_city": "Tempe",
        "dateline_region": "Ariz.",
        "release_date": "2026-11-30",
        "distribution": "GLOBE NEWSWIRE",
        "create": "1",
    }
    response = client.post(reverse("events_staff:announce"), data)
    release = Release.objects.get()
    assert response.status_code == 302
    assert release.status == State.DRAFT
    assert {link.event.title for link in release.event_announcements.all()} == {
        "Draft day",
        "In review day",
        "Approved day",
    }


def test_an_approver_cannot_create_an_announcement(client, company):
    sign_in(client, UserFactory(roles=[IR_APPROVER]))
    assert client.get(reverse("events_staff:announce")).status_code == 403


def test_the_event_choices_name_the_conference_once(client, two_events, author, company):
    sign_in(client, author)
    page = client.get(reverse("events_staff:announce")).content.decode()
    labels = [" ".join(label.split()) for label in re.findall(r"<label[^>]*>(.*?)</label>", page, re.S)]
    assert any(label.startswith("Presentation at the Winter Technology Conference · ") for label in labels)
    assert any(label.startswith("Fireside chat at the Northeast Growth Conference · ") for label in labels)


def test_the_list_shows_each_events_date_time_and_state_so_same_names_stay_apart(client, author, approver, company):
    make_event(author, title="Investor Day")
    next_year = make_event(author, title="Investor Day", starts_at=START + timedelta(days=364))
    event_submit(event_id=next_year.pk, actor=author)
    sign_in(client, author)
    page = client.get(reverse("events_staff:announce")).content.decode()
    labels = [" ".join(label.split()) for label in re.findall(r"<label[^>]*>(.*?)</label>", page, re.S)]
    assert (
        "Investor Day, Winter Technology Conference · Tuesday, Dec. 8, 2026, 11:00 am EST/9:00 am MST · Draft"
    ) in labels
    assert (
        "Investor Day, Winter Technology Conference · Tuesday, Dec. 7, 2027, 11:00 am EST/9:00 am MST · In review"
    ) in labels


def test_the_list_says_when_an_approved_event_is_scheduled_and_which_are_published(client, author, approver, company):
    scheduled = make_event(author, title="Scheduled day")
    event_submit(event_id=scheduled.pk, actor=author)
    event_approve(event_id=scheduled.pk, actor=approver, publish_at=TODAY + timedelta(hours=2), step_up=fresh_step_up())
    approved = make_event(author, title="Approved day")
    event_submit(event_id=approved.pk, actor=author)
    event_approve(event_id=approved.pk, actor=approver, step_up=fresh_step_up())
    published(make_event(author, title="Published day"), author, approver)
    sign_in(client, author)
    page = client.get(reverse("events_staff:announce")).content.decode()
    states = {
        label.split(" · ")[0].split(",")[0]: label.split(" · ")[-1]
        for label in (" ".join(label.split()) for label in re.findall(r"<label[^>]*>(.*?)</label>", page, re.S))
        if " · " in label
    }
    assert states == {
        "Scheduled day": "Scheduled for Nov. 30, 2026, 12:00 pm EST",
        "Approved day": "Approved",
        "Published day": "Published",
    }


def test_the_event_page_announces_with_the_event_chosen(client, author, company):
    event = make_event(author)
    sign_in(client, author)
    review = client.get(reverse("console:detail", kwargs={"kind": "events", "pk": event.pk})).content.decode()
    announce_url = f"{reverse('events_staff:announce')}?events={event.pk}"
    assert f'href="{announce_url}">Announce this event</a>' in review
    form = client.get(announce_url).context["form"]
    assert form.initial["events"] == [str(event.pk)]
    assert (form.initial["dateline_city"], form.initial["distribution"]) == ("", "BUSINESS WIRE")


def test_the_release_review_screen_lists_the_events_it_announces_with_their_state(
    client, two_events, author, approver, company
):
    draft = make_event(author, title="Draft day", starts_at=JANUARY + timedelta(days=1))
    release = draft_announcement(author, [*two_events, draft])
    sign_in(client, approver)
    page = client.get(release.get_staff_url()).content.decode()
    panel = page.split('data-testid="announced-events"')[1].split("</section>")[0]
    rows = [" ".join(re.sub(r"<[^>]+>", "", row).split()) for row in re.findall(r"<li>(.*?)</li>", panel, re.S)]
    assert rows == [
        "Presentation at the Winter Technology Conference · Tuesday, Dec. 8, 2026, 11:00 am EST/9:00 am MST"
        " · Published",
        "Fireside chat at the Northeast Growth Conference · Wednesday, Jan. 13, 2027, 8:30 am EST · Published",
        "Draft day, Winter Technology Conference · Thursday, Jan. 14, 2027, 8:30 am EST/6:30 am MST · Draft",
    ]
    assert f'href="{draft.get_staff_url()}"' in panel
    plain = make_release(author)
    assert 'data-testid="announced-events"' not in client.get(plain.get_staff_url()).content.decode()


def test_the_event_review_screen_says_when_its_announcement_is_scheduled(client, two_events, author, approver):
    release = draft_announcement(author, two_events)
    release_submit(release_id=release.pk, actor=author)
    release_approve(
        release_id=release.pk,
        actor=approver,
        acknowledged=CODES,
        publish_at=TODAY + timedelta(hours=2),
        step_up=fresh_step_up(),
    )
    sign_in(client, author)
    page = client.get(two_events[0].get_staff_url()).content.decode()
    panel = page.split('data-testid="announcements"')[1].split("</section>")[0]
    assert (
        f'{release.headline}</a> <span class="badge text-bg-secondary">Scheduled for Nov. 30, 2026, 12:00 pm EST'
        in (panel)
    )


def test_the_announcement_is_linked_to_its_events_and_audited(two_events, author, company):
    release = draft_announcement(author, two_events)
    links = EventAnnouncement.objects.filter(release=release).order_by("event__starts_at")
    assert [(link.event, link.revision_number) for link in links] == [(two_events[0], 1), (two_events[1], 1)]
    entries = AuditEntry.objects.filter(action="event.announce").order_by("sequence")
    assert [entry.object_id for entry in entries] == [str(event.pk) for event in two_events]
    assert entries[0].data["release"] == release.pk


def test_the_defaults_of_the_release_come_from_the_profile(two_events, author, company):
    company.dateline_city, company.dateline_region, company.newswire = "Tempe", "Ariz.", "globenewswire"
    company.save()
    release = announcement_release(actor=author, events=list(two_events))
    assert (release.dateline_city, release.dateline_region, release.distribution) == (
        "Tempe",
        "Ariz.",
        "GLOBE NEWSWIRE",
    )
    assert release.release_date == date(2026, 11, 30)


def test_the_public_event_page_links_to_its_announcement_once_that_is_public(client, two_events, author, approver):
    release = draft_announcement(author, two_events)
    event_page = two_events[0].get_absolute_url()
    assert "Announced in" not in client.get(event_page).content.decode()
    release_submit(release_id=release.pk, actor=author)
    embargo = TODAY + timedelta(hours=2)
    release_approve(
        release_id=release.pk, actor=approver, acknowledged=CODES, publish_at=embargo, step_up=fresh_step_up()
    )
    assert "Announced in" not in client.get(event_page).content.decode()
    with time_machine.travel(embargo, tick=False):
        page = client.get(event_page).content.decode()
    assert f'Announced in <a href="{release.get_absolute_url()}">{release.headline}</a>.' in page


def warnings_of(release):
    return {check.code for check in release_checks(Release.objects.get(pk=release.pk))}


def test_the_release_warns_until_each_announced_event_is_public_at_its_second(author, approver, company):
    event = make_event(author)
    release = draft_announcement(author, [event])
    embargo = TODAY + timedelta(hours=3)
    Release.objects.filter(pk=release.pk).update(publish_at=embargo)
    assert "announced_not_public" in warnings_of(release)
    event_submit(event_id=event.pk, actor=author)
    event_approve(event_id=event.pk, actor=approver, publish_at=embargo + timedelta(minutes=1), step_up=fresh_step_up())
    assert "announced_not_public" in warnings_of(release)
    with time_machine.travel(TODAY, tick=False):
        from events.workflow import event_schedule

        event_schedule(event_id=event.pk, actor=approver, publish_at=embargo, step_up=fresh_step_up())
    assert not warnings_of(release) & {"announced_not_public", "announced_changed", "announced_cancelled"}


def test_a_refused_approval_shows_the_warnings_at_the_embargo_typed(client, author, approver, company):
    event = make_event(author)
    embargo = TODAY + timedelta(hours=1)  # 11:00 am ET: in market hours
    event_submit(event_id=event.pk, actor=author)
    event_approve(event_id=event.pk, actor=approver, publish_at=embargo, step_up=fresh_step_up())
    release = draft_announcement(author, [event])
    release_submit(release_id=release.pk, actor=author)
    sign_in(client, approver)
    not_public = "is announced but will not be public when the release goes out"
    assert not_public in client.get(release.get_staff_url()).content.decode()  # no embargo yet: public only later
    approve = reverse("console:transition", kwargs={"kind": "releases", "pk": release.pk, "transition": "approve"})
    refused = client.post(approve, shown_revision(release) | {"publish_at": "2026-11-30T11:00"})
    page = refused.content.decode()
    assert "inside US market hours" in page
    assert not_public not in page  # the event is public at the embargo typed
    assert 'value="2026-11-30T11:00"' in page
    assert Release.objects.get(pk=release.pk).status == State.IN_REVIEW
    client.post(approve, shown_revision(release) | {"publish_at": "2026-11-30T11:00", "acknowledge": list(CODES)})
    assert Release.objects.get(pk=release.pk).publish_at == embargo


def test_the_release_warns_when_an_announced_event_changed_or_was_cancelled(author, approver, company):
    event = published(make_event(author), author, approver)
    release = draft_announcement(author, [event])
    assert not warnings_of(release) & {"announced_not_public", "announced_changed"}
    fields = event_fields(slug=event.slug, location="Tempe, Ariz.")
    event_update(actor=author, pk=event.pk, base_version=event.version, **fields)
    published(event, author, approver)
    assert "announced_changed" in warnings_of(release)
    event_cancel(actor=approver, pk=event.pk, reason="Called off")
    assert "announced_cancelled" in warnings_of(release)


def test_the_announce_list_reads_the_same_number_of_queries_at_5_and_100_events(client, author, company):
    release = draft_announcement(author, [make_event(author, title="Announced")])
    assert release.event_announcements.count() == 1
    sign_in(client, author)

    def queries_at(rows):
        for number in range(Event.objects.count(), rows):
            make_event(author, title=f"Event {number}", starts_at=START + timedelta(days=number + 1))
        client.get(reverse("events_staff:announce"))
        with CaptureQueriesContext(connection) as queries:
            page = client.get(reverse("events_staff:announce")).content.decode()
        assert page.count('name="events"') == rows
        assert "announced in “" in page
        return len(queries)

    assert queries_at(5) == queries_at(100)


def test_the_release_review_screen_reads_the_same_number_of_queries_for_5_and_100_announced_events(
    client, author, approver, company
):
    sign_in(client, approver)

    def queries_at(rows):
        events = [
            make_event(author, title=f"Event {number}", starts_at=START + timedelta(days=number + 1))
            for number in range(rows)
        ]
        release = draft_announcement(author, events)
        release_submit(release_id=release.pk, actor=author)
        client.get(release.get_staff_url())  # the first visit writes the insider record
        with CaptureQueriesContext(connection) as queries:
            page = client.get(release.get_staff_url()).content.decode()
        assert page.count('data-testid="announced-event-state"') == rows
        return len(queries)

    assert queries_at(5) == queries_at(100)


# -- in every disclosure language ------------------------------------------------------------------------------

NBSP = "\u00a0"
REPLAY_URL = "https://replay.example/hlvi/winter-2026"


def page_of_fr(event) -> str:
    return f"http://127.0.0.1:8000/fr/investors/events/{event.slug}/"


@pytest.fixture
def bilingual(company):
    company.disclosure_languages = ["en", "fr"]
    company.website = "www.halvorsen-instruments.example"
    company.investor_section_name = "Investors"
    company.save()
    return company


@pytest.fixture
def events_in_french(bilingual, author, approver):
    winter = make_event(
        author,
        translations={
            "fr": {
                "title": "Présentation à la Winter Technology Conference",
                "organizer": "Winter Technology Conference",
                "location": "Scottsdale (Arizona)",
                "presenters": [{"name": "Ingrid Halvorsen", "title": "présidente et chef de la direction"}],
            }
        },
    )
    january = make_event(
        author,
        title="Fireside chat at the Northeast Growth Conference",
        organizer="Northeast Growth Conference",
        starts_at=JANUARY,
        time_zone="America/New_York",
        location="New York, N.Y.",
        presenters=[{"name": "Tomas Brandt", "title": "Chief Financial Officer"}],
        replay_days=30,
        translations={
            "fr": {
                "title": "Causerie à la Northeast Growth Conference",
                "organizer": "Northeast Growth Conference",
                "location": "New York (New York)",
                "presenters": [{"name": "Tomas Brandt", "title": "chef de la direction financière"}],
            }
        },
    )
    return published(winter, author, approver), published(january, author, approver)


def test_the_french_announcement_is_written_as_a_canadian_french_wire_writes_it(events_in_french, bilingual):
    winter, january = events_in_french
    french = build_announcement(list(events_in_french), company=bilingual, language="fr")
    assert french.headline == (
        "Halvorsen Instruments, Inc. annonce la webdiffusion de ses présentations à des conférences à venir "
        "destinées aux investisseurs"
    )
    assert french.lead == (
        f"Halvorsen Instruments, Inc. (Nasdaq{NBSP}: HLVI) a annoncé aujourd'hui que des membres de son équipe de "
        f"direction feront des présentations aux conférences suivantes destinées aux investisseurs{NBSP}:"
    )
    assert french.bullets == [
        f'<a href="{page_of_fr(winter)}"><strong>Winter Technology Conference</strong></a>, le mardi 8 décembre 2026 '
        f"à 11{NBSP}h HNE/9{NBSP}h HNR, Scottsdale (Arizona).<br>Présentateur{NBSP}: Ingrid Halvorsen, présidente "
        "et chef de la direction",
        f'<a href="{page_of_fr(january)}"><strong>Northeast Growth Conference</strong></a>, le mercredi 13 janvier '
        f"2027 à 8{NBSP}h{NBSP}30 HNE, New York (New York).<br>Présentateur{NBSP}: Tomas Brandt, chef de la "
        "direction financière",
    ]
    assert french.webcast_sentence == (
        "Une webdiffusion en direct de chaque présentation sera accessible dans la section "
        f"«{NBSP}Investors{NBSP}» du site Web de Halvorsen, à l'adresse "
        '<a href="https://www.halvorsen-instruments.example">www.halvorsen-instruments.example</a>.'
    )
    assert french.replay_sentences == [
        f"La rediffusion de la webdiffusion «{NBSP}Winter Technology Conference{NBSP}» sera accessible pendant une "
        "semaine après l'événement.",
        f"La rediffusion de la webdiffusion «{NBSP}Northeast Growth Conference{NBSP}» sera accessible pendant "
        "30 jours après l'événement.",
    ]


def test_the_french_lead_and_webcast_sentence_take_the_profiles_french_texts(events_in_french, bilingual):
    bilingual.lead_description = "a maker of precision calibration and measurement systems"
    bilingual.translations = {
        "fr": {
            "lead_description": "un fabricant de systèmes d'étalonnage et de mesure de précision",
            "investor_section_name": "Investisseurs",
        }
    }
    bilingual.save()
    french = build_announcement(list(events_in_french), company=bilingual, language="fr")
    assert french.lead.startswith(
        f"Halvorsen Instruments, Inc. (Nasdaq{NBSP}: HLVI), un fabricant de systèmes d&#x27;étalonnage et de mesure de "
        "précision, a annoncé aujourd'hui que des membres de son équipe de direction feront des présentations"
    )
    assert f"dans la section «{NBSP}Investisseurs{NBSP}» du site Web de Halvorsen" in french.webcast_sentence
    english = build_announcement(list(events_in_french), company=bilingual)
    assert english.lead.startswith(
        "Halvorsen Instruments, Inc. (Nasdaq: HLVI), a maker of precision calibration and measurement systems, "
        "today announced"
    )
    assert "the Investors section of Halvorsen's website" in english.webcast_sentence


def test_one_event_in_french_one_replay_sentence_and_the_investor_page_when_no_website(
    author, approver, bilingual, settings
):
    settings.SITE_URL = "https://ir.halvorsen.example"
    bilingual.website, bilingual.short_name = "", "Aurora"
    bilingual.save()
    chat = make_event(
        author,
        title="Fireside chat with the CFO",
        organizer="Northeast Growth Conference",
        location="",
        presenters=[{"name": "Tomas Brandt", "title": "Chief Financial Officer"}, {"name": "Ana Ruiz", "title": ""}],
        translations={
            "fr": {
                "title": "Causerie avec le chef de la direction financière",
                "organizer": "Northeast Growth Conference",
                "presenters": [
                    {"name": "Tomas Brandt", "title": "chef de la direction financière"},
                    {"name": "Ana Ruiz", "title": ""},
                ],
            }
        },
    )
    french = build_announcement([published(chat, author, approver)], company=bilingual, language="fr")
    assert french.headline == (
        "Halvorsen Instruments, Inc. annonce la webdiffusion de sa présentation à une conférence à venir destinée "
        "aux investisseurs"
    )
    assert french.lead.endswith(f"feront une présentation à la conférence suivante destinée aux investisseurs{NBSP}:")
    assert french.bullets == [
        f'<a href="https://ir.halvorsen.example/fr/investors/events/{chat.slug}/"><strong>Northeast Growth '
        "Conference</strong></a>: Causerie avec le chef de la direction financière, le mardi 8 décembre 2026 à "
        f"11{NBSP}h HNE/9{NBSP}h HNR.<br>Présentateurs{NBSP}: Tomas Brandt, chef de la direction financière{NBSP}; "
        "Ana Ruiz"
    ]
    assert french.webcast_sentence == (
        "Une webdiffusion en direct de la présentation sera accessible sur la page d'information aux investisseurs "
        "d'Aurora, à l'adresse "
        '<a href="https://ir.halvorsen.example/fr/investors/">ir.halvorsen.example/fr/investors/</a>.'
    )
    assert french.replay_sentences == [
        "Une rediffusion de la webdiffusion sera accessible pendant une semaine après l'événement."
    ]


def test_a_replay_set_to_start_on_a_day_of_its_own_says_from_when_in_french(events_in_french, approver, bilingual):
    from events.services import event_replay_url_set

    winter, january = events_in_french
    # The winter replay opens on the first of the next month, at 9:00 am in Phoenix.
    first_of_january = datetime(2027, 1, 1, 16, 0, tzinfo=UTC)
    event_replay_url_set(
        actor=approver, pk=winter.pk, replay_url=REPLAY_URL, available_at=first_of_january, step_up=fresh_step_up()
    )
    winter.refresh_from_db()
    french = build_announcement([winter, january], company=bilingual, language="fr")
    assert french.replay_sentences[0] == (
        f"La rediffusion de la webdiffusion «{NBSP}Winter Technology Conference{NBSP}» sera accessible pendant une "
        "semaine à compter du 1er janvier 2027."
    )
    english = build_announcement([winter, january], company=bilingual)
    assert english.replay_sentences[0] == (
        "A replay of the Winter Technology Conference webcast will be available for one week from Jan. 1, 2027."
    )


def test_the_draft_holds_the_french_text_and_needs_none_written_by_hand(events_in_french, author, bilingual):
    from irportal.workflow.engine import language_checks
    from releases.workflow import RELEASE

    release = draft_announcement(author, events_in_french)
    french = build_announcement(list(events_in_french), company=bilingual, language="fr")
    assert list(release.translations) == ["fr"]
    content = release.revisions.get(number=1).content["translations"]["fr"]
    assert content["headline"] == french.headline
    body = content["body"]  # sanitised as the English body is: no-break spaces as entities, links marked
    assert body.startswith("<p>Halvorsen Instruments, Inc. (Nasdaq&nbsp;: HLVI) a annoncé aujourd'hui")
    link = f'<a href="{page_of_fr(events_in_french[0])}" rel="noopener noreferrer nofollow">'
    assert f"<li>{link}<strong>Winter Technology Conference</strong></a>, le mardi 8 décembre 2026" in body
    assert "«&nbsp;Northeast Growth Conference&nbsp;» sera accessible pendant 30 jours après l'événement.</p>" in body
    assert language_checks(RELEASE, release) == []
    assert release.headline.endswith("Upcoming Investor Conferences")


def test_a_company_in_english_alone_gets_an_english_draft_alone(two_events, author, company):
    release = draft_announcement(author, two_events)
    assert release.translations == {}
    assert "translations" not in release.revisions.get(number=1).content


def test_the_console_previews_the_draft_in_every_language(client, events_in_french, author, bilingual):
    sign_in(client, author)
    data = {
        "events": [event.pk for event in events_in_french],
        "dateline_city": "Phoenix",
        "dateline_region": "Ariz.",
        "release_date": "2026-11-30",
        "distribution": "BUSINESS WIRE",
    }
    page = client.post(reverse("events_staff:announce"), data).content.decode()
    french = page.split('data-testid="announcement-preview-fr"')[1].split("</section>")[0]
    assert "annonce la webdiffusion de ses présentations" in french
    assert f"à 11{NBSP}h HNE/9{NBSP}h HNR" in french
    english = page.split('data-testid="announcement-preview"')[1].split("</section>")[0]
    assert "Announces Webcast of Presentations" in english
