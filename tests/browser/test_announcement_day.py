"""An announcement day in a browser: a complete profile, two events announced from their pages, the draft
compared field by field with the release a wire would carry, approved with an embargo, public at that second."""

import re
import time
import zipfile
import zoneinfo
from datetime import datetime, timedelta
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.utils import timezone
from playwright.sync_api import expect

from events.workflow import event_approve, event_publish, event_submit
from irportal.accounts.roles import IR_ADMIN, IR_APPROVER, IR_AUTHOR
from irportal.workflow.models import State
from releases.checks import CODES
from releases.models import Audience, Boilerplate, MediaContact, Release
from releases.services import boilerplate_save
from releases.workflow import release_approve, release_publish, release_submit
from tests.browser.conftest import acknowledge_every_warning, sign_in, whole_minute_ahead
from tests.events.builders import make_event
from tests.factories import PASSWORD, MediaContactFactory, UserFactory, fresh_step_up, make_approval_step, make_company

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

BOSTON, PHOENIX = zoneinfo.ZoneInfo("America/New_York"), zoneinfo.ZoneInfo("America/Phoenix")
AP_MONTHS = ["Jan.", "Feb.", "March", "April", "May", "June", "July", "Aug.", "Sept.", "Oct.", "Nov.", "Dec."]
DESCRIPTION = "a biotechnology company that develops treatments for rare liver diseases"
ABOUT = (
    "Halvorsen Therapeutics develops medicines for people with rare liver diseases. Its lead candidate is in a "
    "Phase 2 trial."
)
# What the hour of an embargo alone may raise (in or just after market hours, or past midnight in company time).
TIMING = {"market_hours", "after_close", "dateline"}
FORWARD_LOOKING = "This press release contains forward-looking statements. Actual results may differ materially."


def ap_date(day) -> str:
    return f"{day:%A}, {AP_MONTHS[day.month - 1]} {day.day}, {day.year}"


def clock(moment: datetime) -> str:
    return f"{moment.hour % 12 or 12}:{moment.minute:02d} {'am' if moment.hour < 12 else 'pm'} {moment.tzname()}"


def at_local(zone, days_ahead: int, hour: int, minute: int) -> datetime:
    day = timezone.now().astimezone(zone).date() + timedelta(days=days_ahead)
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=zone)


@pytest.fixture
def company_set_up(transactional_db):
    """A complete profile (what the first-run page asks for), its default texts and its contacts."""
    make_approval_step()
    profile = make_company(
        legal_name="Halvorsen Therapeutics, Inc.",
        short_name="Halvorsen",
        ticker="HLVT",
        home_time_zone="America/New_York",
        lead_description=DESCRIPTION,
        dateline_city="Cambridge",
        dateline_region="Mass.",
        investor_section_name="Investors",
        newswire="globenewswire",
        website="www.halvorsen-tx.example",
    )
    admin = UserFactory(roles=[IR_ADMIN])
    for kind, title, text in (
        ("about", "About Halvorsen Therapeutics", ABOUT),
        ("safe_harbor", "Forward-Looking Statements", FORWARD_LOOKING),
    ):
        boilerplate_save(
            actor=admin, pk=None, name=title, kind=kind, title=title, text=f"<p>{text}</p>", is_default=True
        )
    MediaContactFactory(name="Dana Ferreira", title="Vice President, Investor Relations", email="ir@halvorsen.test")
    MediaContactFactory(
        name="Milo Press",
        title="Partner",
        organization="Northlight Communications",
        phone="+1 555 0199",
        email="media@northlight.test",
        audience=Audience.MEDIA,
    )
    return profile


def wire_text(events: list) -> dict:
    """The release as the wire would carry it, written out independently of the generator."""
    today = timezone.now().astimezone(BOSTON).date()
    lead = (
        f"CAMBRIDGE, Mass., {AP_MONTHS[today.month - 1]} {today.day}, {today.year} (GLOBE NEWSWIRE) -- "
        f"Halvorsen Therapeutics, Inc. (Nasdaq: HLVT), {DESCRIPTION}, today announced that members of its "
        "management team will present at the following investor conferences:"
    )
    scottsdale, new_york = events
    phoenix_start = scottsdale.starts_at.astimezone(PHOENIX)
    new_york_start = new_york.starts_at.astimezone(BOSTON)
    bullets = [
        f"Hudson Healthcare Conference, {clock(new_york_start)}, {ap_date(new_york_start)}, New York, N.Y.\n"
        "Presenters: Ingrid Halvorsen, President and CEO; Tomas Brandt, Chief Financial Officer",
        f"Rocky Mountain Biotech Forum, {clock(phoenix_start.astimezone(BOSTON))}/{clock(phoenix_start)}, "
        f"{ap_date(phoenix_start)}, Scottsdale, Ariz.\nPresenter: Ingrid Halvorsen, President and CEO",
    ]
    webcast = (
        "A live webcast of each presentation will be available on the Investors section of Halvorsen's website at "
        "www.halvorsen-tx.example. A replay of the Hudson Healthcare Conference webcast will be available for 30 "
        "days following the event. A replay of the Rocky Mountain Biotech Forum webcast will be available for one "
        "week following the event."
    )
    contacts = [
        "For Investors:",
        "Dana Ferreira, Vice President, Investor Relations\n+1 555 0100\nir@halvorsen.test",
        "For Media:",
        "Milo Press, Partner, Northlight Communications\n+1 555 0199\nmedia@northlight.test",
    ]
    return {
        "headline": "Halvorsen Therapeutics, Inc. Announces Webcast of Presentations at Upcoming Investor Conferences",
        "lead": lead,
        "bullets": bullets,
        "webcast": webcast,
        "about": ["About Halvorsen Therapeutics", ABOUT],
        "forward_looking": ["Forward-Looking Statements", FORWARD_LOOKING],
        "contacts": contacts,
    }


def read_release(article) -> dict:
    """The same fields as a reader sees them on a release's page (staff review or public)."""
    body = article.locator(".ir-body")
    paragraphs = [text.strip() for text in body.locator(":scope > p").all_inner_texts()]

    def section(heading_id):
        box = article.locator(f"section:has(#{heading_id})")
        return [box.locator("h2").inner_text().strip(), box.locator("div").inner_text().strip()]

    contacts = [text.strip() for text in article.locator("dl.ir-contacts > *").all_inner_texts()]
    return {
        "headline": article.locator("#release-headline").inner_text().strip(),
        "lead": paragraphs[0],
        "bullets": [text.strip() for text in body.locator("li").all_inner_texts()],
        "webcast": paragraphs[-1],
        "about": section("about-heading"),
        "forward_looking": section("safe-harbor-heading"),
        "contacts": contacts,
    }


def as_words(text: str) -> str:
    return " ".join(text.split())


def plain_copy(expected: dict, pages: list[str]) -> str:
    """The release in the plain text the filing agent and the wire are given: each link followed by its address."""
    bullets = [
        f"{bullet.split(',', 1)[0]} ({page}),{bullet.split(',', 1)[1]}"
        for bullet, page in zip(expected["bullets"], pages, strict=True)
    ]
    webcast = expected["webcast"].replace(
        "www.halvorsen-tx.example.", "www.halvorsen-tx.example (https://www.halvorsen-tx.example)."
    )
    parts = [
        "Exhibit 99.1",
        expected["headline"],
        expected["lead"],
        *(f"* {bullet}" for bullet in bullets),
        webcast,
        *expected["about"],
        *expected["forward_looking"],
        "Contacts",
        *expected["contacts"],
    ]
    return as_words(" ".join(parts))


def bullet_links(article) -> list[str]:
    links = article.locator(".ir-body li a")
    return [links.nth(n).get_attribute("href") for n in range(links.count())]


def test_two_events_announced_from_their_pages_go_out_as_the_wire_would_carry_them(
    page, browser, live_server, company_set_up
):
    author = UserFactory(roles=[IR_AUTHOR], username="avery")
    approver = UserFactory(roles=[IR_APPROVER], username="morgan")
    # Two events still in draft, in two zones: an event need not be public to be announced.
    scottsdale = make_event(
        author,
        slug="rocky-mountain-biotech-forum",
        title="Presentation at the Rocky Mountain Biotech Forum",
        organizer="Rocky Mountain Biotech Forum",
        starts_at=at_local(PHOENIX, 12, 9, 0),
        location="Scottsdale, Ariz.",
        time_zone="America/Phoenix",
        replay_days=7,
    )
    new_york = make_event(
        author,
        slug="hudson-healthcare-conference",
        title="Presentation at the Hudson Healthcare Conference",
        organizer="Hudson Healthcare Conference",
        starts_at=at_local(BOSTON, 5, 8, 30),
        location="New York, N.Y.",
        time_zone="America/New_York",
        presenters=[
            {"name": "Ingrid Halvorsen", "title": "President and CEO"},
            {"name": "Tomas Brandt", "title": "Chief Financial Officer"},
        ],
        replay_days=30,
    )

    # The author announces from the Scottsdale event's page and adds the New York one from the list, which
    # shows each event's date, both zones and state; the dateline and wire come from the profile.
    sign_in(page, author.username, PASSWORD)
    page.goto(f"/staff/events/{scottsdale.pk}/")
    page.get_by_role("link", name="Announce this event").click()
    expect(page.get_by_test_id("profile-missing")).to_have_count(0)
    expect(page.get_by_label(re.compile(r"Presentation at the Rocky Mountain Biotech Forum · "))).to_be_checked()
    hudson = page.get_by_label(re.compile(r"Presentation at the Hudson Healthcare Conference · "))
    start = new_york.starts_at.astimezone(BOSTON)
    expect(hudson).not_to_be_checked()
    hudson_label = page.locator(f'label[for="{hudson.get_attribute("id")}"]')
    expect(hudson_label).to_contain_text(f"{ap_date(start)}, {clock(start)} · Draft")
    hudson.check()
    expect(page.get_by_label("Dateline city")).to_have_value("Cambridge")
    expect(page.get_by_label("Dateline region")).to_have_value("Mass.")
    expect(page.get_by_label("Distribution")).to_have_value("GLOBE NEWSWIRE")
    page.get_by_role("button", name="Preview").click()
    page.get_by_role("button", name="Create draft release").click()
    expect(page.get_by_text("Draft release created")).to_be_visible()

    # The draft, as the review screen shows it, is the wire text field by field: nothing to edit.
    release = Release.objects.get()
    expected = wire_text([scottsdale, new_york])
    assert read_release(page.get_by_test_id("review-content")) == expected
    pages = [f"{settings.SITE_URL.rstrip('/')}/investors/events/{event.slug}/" for event in (new_york, scottsdale)]
    assert bullet_links(page.get_by_test_id("review-content")) == pages
    page.get_by_role("button", name="Submit for review").click()
    expect(page.get_by_test_id("status")).to_have_text("In review")
    page.goto(f"/staff/events/{new_york.pk}/")
    expect(page.get_by_test_id("announcements").get_by_role("link", name=expected["headline"])).to_be_visible()
    page.get_by_role("button", name="Sign out").click()

    # The events are approved for the second the release goes out; the approver approves the release with that
    # embargo. Without an embargo the release would go out while its events are not public, and the checks say so;
    # at the embargo typed they are, and only the hour itself may still ask for an acknowledgement.
    embargo = whole_minute_ahead(40, BOSTON)
    for event in (scottsdale, new_york):
        event_submit(event_id=event.pk, actor=author)
        event_approve(event_id=event.pk, actor=approver, publish_at=embargo, step_up=fresh_step_up())
    sign_in(page, approver.username, PASSWORD)
    page.goto(f"/staff/releases/{release.pk}/")
    scheduled = f"Scheduled for {AP_MONTHS[embargo.month - 1]} {embargo.day}, {embargo.year}, {clock(embargo)}"
    expect(page.get_by_test_id("announced-event-state")).to_have_text([scheduled, scheduled])
    not_public = page.get_by_test_id("checks").locator('[data-check="announced_not_public"]')
    expect(not_public).to_have_count(2)
    page.get_by_label("Embargo, company time (optional)").fill(embargo.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_test_id("approve-form").get_by_role("button", name="Approve").click()
    if page.get_by_test_id("refusal").count():
        expect(not_public).to_have_count(0)
        shown = page.get_by_test_id("checks").locator("[data-check]")
        assert {check.get_attribute("data-check") for check in shown.all()} <= TIMING
        acknowledge_every_warning(page)
        page.get_by_test_id("approve-form").get_by_role("button", name="Approve").click()
    expect(page.get_by_test_id("status")).to_have_text("Approved")
    # The plain text the filing agent (and the wire) is given says the same.
    with page.expect_download() as download:
        page.get_by_test_id("exhibit-download").click()
    with zipfile.ZipFile(download.value.path()) as archive:
        assert as_words(archive.read("ex991.txt").decode("ascii")) == plain_copy(expected, pages)
    release.refresh_from_db()
    assert (release.status, release.publish_at, release.version) == (State.APPROVED, embargo, 1)  # never edited

    # Not public before the second, not even one second before it.
    visitor = browser.new_context(base_url=live_server.url).new_page()
    addresses = [release.get_absolute_url(), scottsdale.get_absolute_url(), new_york.get_absolute_url()]
    time.sleep(max(0.0, (embargo - timezone.now()).total_seconds() - 1.5))
    assert timezone.now() < embargo
    assert [visitor.goto(address).status for address in addresses] == [404, 404, 404]
    time.sleep(max(0.0, (embargo - timezone.now()).total_seconds()) + 0.2)

    # From the second: the release as the wire carries it, its bullets leading to the events' pages, and each
    # event page back to the release.
    assert visitor.goto(release.get_absolute_url()).status == 200
    assert read_release(visitor.locator("article.ir-release")) == expected
    assert bullet_links(visitor.locator("article.ir-release")) == pages
    visitor.goto(urlsplit(pages[1]).path)
    expect(visitor.get_by_test_id("announcement").get_by_role("link", name=expected["headline"])).to_be_visible()
    visitor.get_by_test_id("announcement").get_by_role("link", name=expected["headline"]).click()
    expect(visitor.locator("#release-headline")).to_have_text(expected["headline"])
    visitor.context.close()


# -- in English and French ----------------------------------------------------------------------------------------

FRENCH_MONTHS = ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
                 "novembre", "décembre"]  # fmt: skip
FRENCH_WEEKDAYS = ["lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"]
FRENCH_ZONES = {"EST": "HNE", "EDT": "HAE", "MST": "HNR"}
ABOUT_FR = (
    "Halvorsen Therapeutics met au point des médicaments pour les personnes atteintes de maladies rares du foie. "
    "Son principal candidat fait l'objet d'un essai de phase 2."
)
FORWARD_LOOKING_FR = (
    "Le présent communiqué contient des énoncés prospectifs. Les résultats réels pourraient différer sensiblement."
)


def french_date(day, *, weekday: bool = False) -> str:
    text = f"{'1er' if day.day == 1 else day.day} {FRENCH_MONTHS[day.month - 1]} {day.year}"
    return f"{FRENCH_WEEKDAYS[day.weekday()]} {text}" if weekday else text


def french_clock(moment: datetime) -> str:
    minutes = f" {moment.minute:02d}" if moment.minute else ""
    return f"{moment.hour} h{minutes} {FRENCH_ZONES[moment.tzname()]}"


def french_wire_text(events: list) -> dict:
    """The French release as a Canadian French wire would carry it, written out independently of the generator
    (words only: the no-break spaces French puts before a colon are compared as spaces)."""
    today = timezone.now().astimezone(BOSTON).date()
    scottsdale, new_york = events
    phoenix_start = scottsdale.starts_at.astimezone(PHOENIX)
    new_york_start = new_york.starts_at.astimezone(BOSTON)
    return {
        "headline": "Halvorsen Therapeutics, Inc. annonce la webdiffusion de ses présentations à des conférences à "
        "venir destinées aux investisseurs",
        "lead": f"CAMBRIDGE, Mass., le {french_date(today)} /GLOBE NEWSWIRE/ -- Halvorsen Therapeutics, Inc. "
        "(Nasdaq : HLVT) a annoncé aujourd'hui que des membres de son équipe de direction feront des présentations "
        "aux conférences suivantes destinées aux investisseurs :",
        "bullets": [
            f"Hudson Healthcare Conference, le {french_date(new_york_start, weekday=True)} à "
            f"{french_clock(new_york_start)}, New York (New York). Présentateurs : Ingrid Halvorsen, présidente et "
            "chef de la direction ; Tomas Brandt, chef de la direction financière",
            f"Rocky Mountain Biotech Forum, le {french_date(phoenix_start, weekday=True)} à "
            f"{french_clock(phoenix_start.astimezone(BOSTON))}/{french_clock(phoenix_start)}, Scottsdale (Arizona). "
            "Présentateur : Ingrid Halvorsen, présidente et chef de la direction",
        ],
        "webcast": "Une webdiffusion en direct de chaque présentation sera accessible dans la section « Investors » "
        "du site Web de Halvorsen, à l'adresse www.halvorsen-tx.example. La rediffusion de la webdiffusion « Hudson "
        "Healthcare Conference » sera accessible pendant 30 jours après l'événement. La rediffusion de la "
        "webdiffusion « Rocky Mountain Biotech Forum » sera accessible pendant une semaine après l'événement.",
        "about": ["À propos de Halvorsen Therapeutics", ABOUT_FR],
        "forward_looking": ["Énoncés prospectifs", FORWARD_LOOKING_FR],
        "contacts": [
            "Pour les investisseurs :",
            "Dana Ferreira, Vice-présidente, Relations avec les investisseurs +1 555 0100 ir@halvorsen.test",
            "Pour les médias :",
            "Milo Press, Associé, Northlight Communications +1 555 0199 media@northlight.test",
        ],
    }


def in_words(fields: dict) -> dict:
    return {name: as_words(value) if isinstance(value, str) else [as_words(item) for item in value]
            for name, value in fields.items()}  # fmt: skip


def test_a_bilingual_announcement_goes_out_in_french_as_a_canadian_french_wire_would_carry_it(
    page, browser, live_server, company_set_up
):
    company_set_up.disclosure_languages = ["en", "fr"]
    company_set_up.save()
    admin = UserFactory(roles=[IR_ADMIN])
    for boilerplate, title, text in (
        (Boilerplate.objects.get(kind="about"), "À propos de Halvorsen Therapeutics", ABOUT_FR),
        (Boilerplate.objects.get(kind="safe_harbor"), "Énoncés prospectifs", FORWARD_LOOKING_FR),
    ):
        latest = boilerplate.latest
        boilerplate_save(
            actor=admin,
            pk=boilerplate.pk,
            name=boilerplate.name,
            kind=boilerplate.kind,
            title=latest.title,
            text=latest.text,
            is_default=True,
            translations={"fr": {"title": title, "text": f"<p>{text}</p>"}},
        )
    french_titles = {"Dana Ferreira": "Vice-présidente, Relations avec les investisseurs", "Milo Press": "Associé"}
    for name, title in french_titles.items():
        MediaContact.objects.filter(name=name).update(translations={"fr": {"title": title}})
    author = UserFactory(roles=[IR_AUTHOR], username="avery")
    approver = UserFactory(roles=[IR_APPROVER], username="morgan")
    ingrid = {"name": "Ingrid Halvorsen", "title": "présidente et chef de la direction"}
    scottsdale = make_event(
        author,
        slug="rocky-mountain-biotech-forum",
        title="Presentation at the Rocky Mountain Biotech Forum",
        organizer="Rocky Mountain Biotech Forum",
        starts_at=at_local(PHOENIX, 12, 9, 0),
        location="Scottsdale, Ariz.",
        time_zone="America/Phoenix",
        replay_days=7,
        translations={
            "fr": {
                "title": "Présentation au Rocky Mountain Biotech Forum",
                "organizer": "Rocky Mountain Biotech Forum",
                "location": "Scottsdale (Arizona)",
                "presenters": [ingrid],
            }
        },
    )
    new_york = make_event(
        author,
        slug="hudson-healthcare-conference",
        title="Presentation at the Hudson Healthcare Conference",
        organizer="Hudson Healthcare Conference",
        starts_at=at_local(BOSTON, 5, 8, 30),
        location="New York, N.Y.",
        time_zone="America/New_York",
        presenters=[
            {"name": "Ingrid Halvorsen", "title": "President and CEO"},
            {"name": "Tomas Brandt", "title": "Chief Financial Officer"},
        ],
        replay_days=30,
        translations={
            "fr": {
                "title": "Présentation à la Hudson Healthcare Conference",
                "organizer": "Hudson Healthcare Conference",
                "location": "New York (New York)",
                "presenters": [ingrid, {"name": "Tomas Brandt", "title": "chef de la direction financière"}],
            }
        },
    )

    # The author announces both events; the preview shows the draft in English and in French.
    sign_in(page, author.username, PASSWORD)
    page.goto(f"/staff/events/announce/?events={scottsdale.pk}&events={new_york.pk}")
    page.get_by_role("button", name="Preview").click()
    expected = french_wire_text([scottsdale, new_york])
    preview = page.get_by_test_id("announcement-preview-fr")
    expect(preview.locator("h2")).to_have_text(expected["headline"])
    expect(page.get_by_test_id("announcement-preview").locator("h2")).to_have_text(
        "Halvorsen Therapeutics, Inc. Announces Webcast of Presentations at Upcoming Investor Conferences"
    )
    page.get_by_role("button", name="Create draft release").click()
    expect(page.get_by_text("Draft release created")).to_be_visible()
    release = Release.objects.get()

    # Nothing was typed in French, and nothing is missing in French: the events and the release are approved and
    # published as they are.
    for event in (scottsdale, new_york):
        event_submit(event_id=event.pk, actor=author)
        event_approve(event_id=event.pk, actor=approver, step_up=fresh_step_up())
        event_publish(event_id=event.pk, actor=approver, step_up=fresh_step_up())
    release_submit(release_id=release.pk, actor=author)
    release_approve(release_id=release.pk, actor=approver, acknowledged=CODES, step_up=fresh_step_up())
    release_publish(release_id=release.pk, actor=approver, step_up=fresh_step_up())

    # The French page is the French wire text field by field, its bullets leading to the events' French pages.
    visitor = browser.new_context(base_url=live_server.url).new_page()
    assert visitor.goto(f"/fr{release.get_absolute_url()}").status == 200
    assert in_words(read_release(visitor.locator("article.ir-release"))) == in_words(expected)
    pages = [f"{settings.SITE_URL.rstrip('/')}/fr/investors/events/{event.slug}/" for event in (new_york, scottsdale)]
    assert bullet_links(visitor.locator("article.ir-release")) == pages
    visitor.goto(urlsplit(pages[0]).path)
    expect(visitor.locator("#event-title")).to_have_text("Présentation à la Hudson Healthcare Conference")
    visitor.context.close()
