"""The announcement of upcoming events: a draft release in wire form, made from the events themselves.

One bullet per event in wire order (the conference, the time in the event's
and the home zone, the date and city, then who presents), where the live
webcast is (the Investor Relations section of the company's own website,
from the company profile), and a replay sentence made from each event's own
replay window, so what the release promises is what the sweep does. The
draft gets the default About and forward-looking-statements texts and every
active contact, then goes through the normal release workflow.
"""

from dataclasses import dataclass
from datetime import date, datetime

from django.conf import settings
from django.urls import reverse
from django.utils.html import escape

from company.models import CompanyProfile
from events import timefmt
from events.content import conference_shown, presenter_line
from events.models import Event
from irportal.forms import unique_slug

NUMBER_WORDS = {1: "one", 2: "two", 3: "three", 4: "four", 5: "five", 6: "six", 7: "seven", 8: "eight", 9: "nine"}


def days_phrase(days: int) -> str:
    if days == 7:
        return "one week"
    return f"{NUMBER_WORDS.get(days, str(days))} day{'s' if days != 1 else ''}"


@dataclass
class Announcement:
    headline: str
    lead: str
    bullets: list[str]
    webcast_sentence: str
    replay_sentences: list[str]

    def body_html(self) -> str:
        items = "".join(f"<li>{bullet}</li>" for bullet in self.bullets)
        replay = " ".join(self.replay_sentences)
        return f"<p>{self.lead}</p><ul>{items}</ul><p>{self.webcast_sentence} {replay}</p>"


def _event_name(content: dict) -> str:
    return content["organizer"] or content["title"]


def public_content(event: Event) -> dict:
    """What the public reads of the event: the announcement repeats exactly that."""
    return (event.live_revision or event.approved_revision).content


def event_bullet(content: dict, home_zone: str) -> str:
    """``<strong>Conference</strong>, 9:00 am MST/11:00 am EST, Tuesday, Dec. 8, 2026, City.<br>Presenter: ...``

    The title follows the conference's name only when it says something the name does not
    (``Conference: Fireside chat with the CFO``).
    """
    starts_at, zone_name = datetime.fromisoformat(content["starts_at"]), content["time_zone"]
    local = starts_at.astimezone(timefmt.zone(zone_name))
    conference = conference_shown(content["title"], content["organizer"])
    name = f"<strong>{escape(_event_name(content))}</strong>"
    if conference:
        name += f": {escape(content['title'])}"
    parts = [name, timefmt.dual_time(starts_at, zone_name, home_zone), timefmt.wire_date(local.date())]
    if content["location"]:
        parts.append(escape(content["location"]))
    line = ", ".join(parts)
    if not line.endswith("."):
        line += "."
    if content["presenters"]:
        label = "Presenter" if len(content["presenters"]) == 1 else "Presenters"
        line += f"<br>{label}: {escape(presenter_line(content['presenters']))}"
    return line


def replay_sentences(events: list[Event]) -> list[str]:
    """Each event's replay promise, from its own window: one sentence when all windows agree."""
    windows = {event.replay_days for event in events}
    from_end = all(not event.replay_available_at_fixed for event in events)
    if len(windows) == 1 and from_end:
        subject = "each webcast" if len(events) > 1 else "the webcast"
        return [f"A replay of {subject} will be available for {days_phrase(windows.pop())} following the event."]
    sentences = []
    for event in events:
        start = "following the event"
        if event.replay_available_at_fixed and event.replay_available_at:
            start = f"from {timefmt.local_date(event.replay_available_at, event.time_zone)}"
        sentences.append(
            f"A replay of the {escape(_event_name(public_content(event)))} webcast will be available for "
            f"{days_phrase(event.replay_days)} {start}."
        )
    return sentences


def _shown_address(url: str) -> str:
    """This site's address as a release prints it: ``ir.example.com/investors/`` (no scheme)."""
    return url.split("://", 1)[-1]


def webcast_place(company: CompanyProfile) -> str:
    """Where the webcast is: the investor section of the company's website, named and written as the profile
    says (``www.example.com`` stays so); this site's Investor Information page when the profile has no website."""
    owner = f"{escape(company.short_name)}'s"
    if company.website:
        return (
            f"the {escape(company.investor_section_name)} section of {owner} website at "
            f'<a href="{escape(company.website_url)}">{escape(company.website)}</a>'
        )
    page = settings.SITE_URL.rstrip("/") + reverse("investors:home")
    return f'{owner} Investor Information page at <a href="{escape(page)}">{escape(_shown_address(page))}</a>'


def build_announcement(events: list[Event], *, company: CompanyProfile | None = None) -> Announcement:
    company = company or CompanyProfile.load()
    events = sorted(events, key=lambda event: public_content(event)["starts_at"])
    several = len(events) > 1
    headline = (
        f"{company.legal_name} Announces Webcast of Presentation{'s' if several else ''} "
        f"at Upcoming Investor Conference{'s' if several else ''}"
    )
    conferences = "the following investor conferences" if several else "the following investor conference"
    lead = (
        f"{escape(company.listing)} today announced that members of its management team will present at {conferences}:"
    )
    webcast = (
        f"A live webcast of {'each presentation' if several else 'the presentation'} will be available on "
        f"{webcast_place(company)}."
    )
    return Announcement(
        headline=headline,
        lead=lead,
        bullets=[event_bullet(public_content(event), company.home_time_zone) for event in events],
        webcast_sentence=webcast,
        replay_sentences=replay_sentences(events),
    )


def announcement_release(
    *, actor, events: list[Event], dateline_city: str, dateline_region: str, release_date: date, distribution: str
):
    """Create the draft release (the release workflow takes it from there)."""
    from releases.models import Boilerplate, MediaContact, Release
    from releases.selectors import default_boilerplate
    from releases.services import release_create

    announcement = build_announcement(events)
    slug = unique_slug(
        f"{announcement.headline} {release_date.isoformat()}",
        taken=lambda slug: Release.objects.filter(slug=slug).exists(),
        max_length=100,
    )
    return release_create(
        actor=actor,
        slug=slug,
        headline=announcement.headline,
        subheadline="",
        highlights=[],
        dateline_city=dateline_city,
        dateline_region=dateline_region,
        release_date=release_date,
        distribution=distribution,
        body=announcement.body_html(),
        about=default_boilerplate(Boilerplate.Kind.ABOUT),
        safe_harbor=default_boilerplate(Boilerplate.Kind.SAFE_HARBOR),
        contacts=list(MediaContact.objects.filter(is_active=True)),
    )
