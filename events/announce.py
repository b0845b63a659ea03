"""The announcement of upcoming events: a draft release in wire form, made from the events themselves.

One bullet per event (date, time in the event's and the home zone,
conference, city, presenters), where the live webcast is, and a replay
sentence made from each event's own replay window, so what the release
promises is what the sweep does. The draft then goes through the normal
release workflow.
"""

from dataclasses import dataclass
from datetime import date, datetime

from django.conf import settings
from django.urls import reverse
from django.utils.html import escape
from django.utils.text import slugify

from company.models import CompanyProfile
from events import timefmt
from events.content import presenter_line
from events.models import Event

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
    """``Tuesday, Dec. 8, 2026 at 9:00 am MST/11:00 am EST: Conference, City. Presenter: Name, Title.``"""
    starts_at, zone_name = datetime.fromisoformat(content["starts_at"]), content["time_zone"]
    local = starts_at.astimezone(timefmt.zone(zone_name))
    parts = [
        f"{timefmt.wire_date(local.date())} at {timefmt.dual_time(starts_at, zone_name, home_zone)}: "
        f"<strong>{escape(_event_name(content))}</strong>"
    ]
    if content["location"]:
        parts.append(f", {escape(content['location'])}")
    if not parts[-1].endswith("."):
        parts.append(".")
    if content["presenters"]:
        label = "Presenter" if len(content["presenters"]) == 1 else "Presenters"
        parts.append(f" {label}: {escape(presenter_line(content['presenters']))}.")
    return "".join(parts)


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
    events_url = settings.SITE_URL.rstrip("/") + reverse("events:list")
    webcast = (
        f"A live webcast of {'each presentation' if several else 'the presentation'} will be available on the "
        f'Events page of the {escape(company.short_name)} investor relations website at <a href="{events_url}">'
        f"{events_url}</a>."
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
    from releases.models import Audience, MediaContact, Release
    from releases.services import release_create

    announcement = build_announcement(events)
    base = slugify(f"{announcement.headline} {release_date.isoformat()}")[:100]
    slug, counter = base, 2
    while Release.objects.filter(slug=slug).exists():
        slug, counter = f"{base}-{counter}", counter + 1
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
        contacts=list(MediaContact.objects.filter(is_active=True, audience=Audience.INVESTORS)),
    )
