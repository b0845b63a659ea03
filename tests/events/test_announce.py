import re
from datetime import UTC, date, datetime, timedelta

import pytest
from django.urls import reverse

from events.announce import announcement_release, build_announcement
from events.services import event_cancel, event_replay_window_change
from irportal.accounts.roles import IR_ADMIN, IR_APPROVER
from irportal.workflow.models import State
from releases.models import Audience, Release
from releases.services import boilerplate_save
from tests.events.builders import START, make_event, published
from tests.factories import MediaContactFactory, UserFactory, sign_in

pytestmark = pytest.mark.django_db

# Wednesday, January 13, 2027, 8:30 am in New York (EST).
JANUARY = datetime(2027, 1, 13, 13, 30, tzinfo=UTC)


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
    assert announcement.bullets == [
        "<strong>Winter Technology Conference</strong>, 9:00 am MST/11:00 am EST, Tuesday, Dec. 8, 2026, "
        "Scottsdale, Ariz.<br>Presenter: Ingrid Halvorsen, President and CEO",
        "<strong>Northeast Growth Conference</strong>, 8:30 am EST, Wednesday, Jan. 13, 2027, New York, N.Y."
        "<br>Presenter: Tomas Brandt, Chief Financial Officer",
    ]


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
        "<strong>Northeast Growth Conference</strong>: Fireside chat with the CFO, 9:00 am MST/11:00 am EST, "
        "Tuesday, Dec. 8, 2026.<br>Presenters: Tomas Brandt, Chief Financial Officer; Ana Ruiz"
    )
    assert bullets[1].startswith("<strong>Investor Day 2027</strong>, 9:00 am MST/11:00 am EST, Tuesday, Dec. 8, 2026")


def test_the_webcast_is_on_the_investor_relations_section_of_the_company_website(two_events, company):
    company.website = "https://www.halvorsen-instruments.example/"
    company.save()
    assert build_announcement(list(two_events), company=company).webcast_sentence == (
        "A live webcast of each presentation will be available on the Investor Relations section of "
        'Halvorsen\'s website at <a href="https://www.halvorsen-instruments.example/">'
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
    assert "<li><strong>Winter Technology Conference</strong>, 9:00 am MST/11:00 am EST, Tuesday" in body
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
    company.website = "https://www.halvorsen-instruments.example"
    company.save()
    preview = client.post(reverse("events_staff:announce"), data, HTTP_HOST="localhost")
    assert "9:00 am MST/11:00 am EST" in preview.content.decode()
    assert '<a href="https://www.halvorsen-instruments.example">www.halvorsen-instruments.example</a>' in (
        preview.content.decode()
    )
    assert "localhost" not in preview.context["preview"].webcast_sentence
    assert not Release.objects.exists()
    client.post(reverse("events_staff:announce"), data | {"create": "1"})
    assert Release.objects.get().headline.endswith("Upcoming Investor Conferences")


def test_only_published_upcoming_events_not_cancelled_can_be_announced(client, author, approver, company):
    draft = make_event(author)
    past = published(make_event(author, starts_at=START - timedelta(days=60)), author, approver)
    cancelled = published(make_event(author), author, approver)
    event_cancel(actor=approver, pk=cancelled.pk, reason="Called off")
    sign_in(client, author)
    for event in (draft, past, cancelled):
        response = client.post(reverse("events_staff:announce"), {"events": [event.pk], "create": "1"})
        assert response.context["form"].errors["events"]
    assert not Release.objects.exists()


def test_an_approver_cannot_create_an_announcement(client, company):
    sign_in(client, UserFactory(roles=[IR_APPROVER]))
    assert client.get(reverse("events_staff:announce")).status_code == 403


def test_the_event_choices_name_the_conference_once(client, two_events, author, company):
    sign_in(client, author)
    page = client.get(reverse("events_staff:announce")).content.decode()
    labels = [" ".join(label.split()) for label in re.findall(r"<label[^>]*>(.*?)</label>", page, re.S)]
    assert "Presentation at the Winter Technology Conference" in labels
    assert "Fireside chat at the Northeast Growth Conference" in labels
