"""The announcement of upcoming events: the release a wire would carry, made from the events and the profile.

For a company whose profile is complete it needs no edit: the lead names the
company with its listing and its description; one bullet per event in date
order (the conference, linked to the event's page; the time in the event's
zone and the company's, one zone when they are the same; the date; the city;
who presents); the webcast sentence names the investor section of the
company's website as the profile writes it; the replay sentence says how long
each replay stays up, from each event's own window, so the release promises
what the sweep does. The draft gets the default About and forward-looking
texts, every active contact (grouped by audience where the release is shown)
and the profile's dateline and wire, then goes through the release workflow.

Events need not be public to be announced: the bullets are written from each
event's working revision, and each event is linked to the release
(``EventAnnouncement``, with the revision it was written from). The release's
checks warn when an announced event will not be public at the release's
second, changed since, or was cancelled. ``announcement_release`` is the one
function that creates an announcement.

The draft is written in every disclosure language of the profile, each as
that language's wires write it (``Wire``: ``EnglishWire``, ``FrenchWire``),
from the events' text in that language; the primary language's words are the
release's own fields, each other language's its translations.
"""

from abc import ABC, abstractmethod
from collections.abc import Callable, Collection
from dataclasses import dataclass
from datetime import date, datetime

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape

from company.models import CompanyProfile
from events import timefmt
from events.content import conference_shown, presenter_label, presenter_line
from events.models import Event, EventAnnouncement, EventRevision
from irportal.audit.services import audit_record
from irportal.forms import unique_slug
from irportal.workflow import languages
from irportal.workflow.models import State
from releases.checks import Announced
from releases.models import Boilerplate, MediaContact, Release
from releases.selectors import default_boilerplate
from releases.services import release_create


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


def announced_revision(event: Event) -> EventRevision:
    """The revision a bullet is written from: the event's working revision, what its review approves."""
    return event.revisions.get(number=event.version)


def _event_name(content: dict) -> str:
    return content["organizer"] or content["title"]


def event_page_url(content: dict) -> str:
    """The event's public page in the active language."""
    return settings.SITE_URL.rstrip("/") + reverse("events:detail", args=[content["slug"]])


def _shown_address(url: str) -> str:
    """This site's address as a release prints it: ``ir.example.com/investors/`` (no scheme)."""
    return url.split("://", 1)[-1]


def _linked_name(content: dict) -> str:
    """The conference, linked to the event's page, then the title when it says something the name does not."""
    conference = conference_shown(content["title"], content["organizer"])
    name = f'<a href="{escape(event_page_url(content))}"><strong>{escape(_event_name(content))}</strong></a>'
    return name + (f": {escape(content['title'])}" if conference else "")


def _sentence(parts: list[str]) -> str:
    line = ", ".join(parts)
    return line if line.endswith(".") else line + "."


class Wire(ABC):
    """How a release announcing events is written in one language, as that language's wires write it.

    The shape is the same in every language (the lead, one bullet per event, the webcast sentence, the replay
    sentences); the words, their order and the typography are each language's. Dates and times are written by
    ``events.timefmt`` in the language active while the announcement is built.
    """

    language = ""

    @abstractmethod
    def headline(self, company: CompanyProfile, *, several: bool) -> str:
        """The release's headline."""

    @abstractmethod
    def lead(self, company: CompanyProfile, *, several: bool) -> str:
        """The lead: the company with its listing announces the presentations that follow."""

    @abstractmethod
    def bullet(self, content: dict, home_zone: str) -> str:
        """One event's bullet, from its content in the wire's language."""

    @abstractmethod
    def webcast(self, company: CompanyProfile, *, several: bool) -> str:
        """Where the live webcast is."""

    @abstractmethod
    def every_replay(self, days: int, *, several: bool) -> str:
        """The one replay sentence when every event's window is ``days`` from its end."""

    @abstractmethod
    def replay(self, name: str, days: int, available_from: str) -> str:
        """One event's replay sentence; ``available_from`` is the date a replay set by hand starts, or ""."""

    def days(self, days: int) -> str:
        """A replay window in words: ``one week``, ``three days``, ``14 days`` (each wire's ``WEEK``, ``DAY``,
        ``NUMBER_WORDS``)."""
        if days == 7:
            return self.WEEK
        return f"{self.NUMBER_WORDS.get(days, str(days))} {self.DAY}{'s' if days != 1 else ''}"

    def replay_sentences(self, events: list[Event], contents: dict[int, dict]) -> list[str]:
        """Each event's replay promise, from its own window: one sentence when all windows agree."""
        windows = {event.replay_days for event in events}
        if len(windows) == 1 and all(not event.replay_available_at_fixed for event in events):
            return [self.every_replay(windows.pop(), several=len(events) > 1)]
        sentences = []
        for event in events:
            available_from = ""
            if event.replay_available_at_fixed and event.replay_available_at:
                available_from = timefmt.local_date(event.replay_available_at, event.time_zone)
            sentences.append(self.replay(_event_name(contents[event.pk]), event.replay_days, available_from))
        return sentences


class EnglishWire(Wire):
    language = "en"
    NUMBER_WORDS = {1: "one", 2: "two", 3: "three", 4: "four", 5: "five", 6: "six", 7: "seven", 8: "eight",
                    9: "nine"}  # fmt: skip

    WEEK, DAY = "one week", "day"

    def headline(self, company, *, several):
        return (
            f"{company.legal_name} Announces Webcast of Presentation{'s' if several else ''} "
            f"at Upcoming Investor Conference{'s' if several else ''}"
        )

    def lead(self, company, *, several):
        """``Example Corp (Nasdaq: EXMP), a biotechnology company that …, today announced that …:``"""
        description = company.lead_description.strip().rstrip(",")
        who = escape(company.listing) + (f", {escape(description)}," if description else "")
        conferences = "the following investor conferences" if several else "the following investor conference"
        return f"{who} today announced that members of its management team will present at {conferences}:"

    def bullet(self, content, home_zone):
        """``<a href=…><strong>Conference</strong></a>, 11:00 am EST/9:00 am MST, Tuesday, Dec. 8, 2026, City.``
        then ``<br>Presenter: …``.

        The title follows the conference's name only when it says something the name does not
        (``Conference: Fireside chat with the CFO``).
        """
        starts_at, zone_name = datetime.fromisoformat(content["starts_at"]), content["time_zone"]
        local = starts_at.astimezone(timefmt.zone(zone_name))
        parts = [_linked_name(content), timefmt.dual_time(starts_at, zone_name, home_zone)]
        parts.append(timefmt.weekday_date(local.date()))
        if content["location"]:
            parts.append(escape(content["location"]))
        line = _sentence(parts)
        presenters = content["presenters"]
        if presenters:
            line += f"<br>{presenter_label(presenters)}: {escape(presenter_line(presenters))}"
        return line

    def webcast(self, company, *, several):
        """Where the webcast is: the investor section of the company's website, named and written as the profile
        says (``www.example.com`` stays so); this site's Investor Information page when the profile has no
        website."""
        owner = f"{escape(company.short_name)}'s"
        if company.website:
            place = (
                f"the {escape(company.investor_section_name)} section of {owner} website at "
                f'<a href="{escape(company.website_url)}">{escape(company.website)}</a>'
            )
        else:
            page = settings.SITE_URL.rstrip("/") + reverse("investors:home")
            place = f'{owner} Investor Information page at <a href="{escape(page)}">{escape(_shown_address(page))}</a>'
        subject = "each presentation" if several else "the presentation"
        return f"A live webcast of {subject} will be available on {place}."

    def every_replay(self, days, *, several):
        subject = "each webcast" if several else "the webcast"
        return f"A replay of {subject} will be available for {self.days(days)} following the event."

    def replay(self, name, days, available_from):
        start = f"from {available_from}" if available_from else "following the event"
        return f"A replay of the {escape(name)} webcast will be available for {self.days(days)} {start}."


# French typography: a non-breaking space before a colon and inside guillemets.
NBSP = "\u00a0"


def _of(name: str) -> str:
    """``de Halvorsen``, ``d'Acme``: the preposition elided before a vowel."""
    return f"d'{name}" if name[:1].casefold() in "aàâeéèêëiîïoôuùûüyœæ" else f"de {name}"


class FrenchWire(Wire):
    """As a Canadian French wire writes it: ``(Nasdaq : EXMP)``, ``le mardi 8 décembre 2026 à 11 h 30 HNE``,
    « guillemets », ``pendant une semaine``."""

    language = "fr"
    NUMBER_WORDS = {1: "un", 2: "deux", 3: "trois", 4: "quatre", 5: "cinq", 6: "six", 7: "sept", 8: "huit",
                    9: "neuf"}  # fmt: skip

    WEEK, DAY = "une semaine", "jour"

    def headline(self, company, *, several):
        if several:
            return (
                f"{company.legal_name} annonce la webdiffusion de ses présentations à des conférences à venir "
                "destinées aux investisseurs"
            )
        return (
            f"{company.legal_name} annonce la webdiffusion de sa présentation à une conférence à venir destinée "
            "aux investisseurs"
        )

    def lead(self, company, *, several):
        """``Exemple inc. (Nasdaq : EXMP), une société qui …, a annoncé aujourd'hui que … :``; without the
        description when the profile has none in French."""
        listing = f"{escape(company.legal_name)} ({escape(company.exchange)}{NBSP}: {escape(company.ticker)})"
        description = company.in_language("lead_description", self.language).strip().rstrip(",")
        if description:
            listing += f", {escape(description)},"
        if several:
            what = "feront des présentations aux conférences suivantes destinées aux investisseurs"
        else:
            what = "feront une présentation à la conférence suivante destinée aux investisseurs"
        return f"{listing} a annoncé aujourd'hui que des membres de son équipe de direction {what}{NBSP}:"

    def bullet(self, content, home_zone):
        """``<a href=…><strong>Conference</strong></a>, le mardi 8 décembre 2026 à 11 h HNE/9 h HNR,
        Scottsdale (Arizona).`` then ``<br>Présentateur : …``."""
        starts_at = datetime.fromisoformat(content["starts_at"])
        parts = [_linked_name(content), f"le {timefmt.when(starts_at, content['time_zone'], home_zone)}"]
        if content["location"]:
            parts.append(escape(content["location"]))
        line = _sentence(parts)
        presenters = content["presenters"]
        if presenters:
            label = "Présentateur" if len(presenters) == 1 else "Présentateurs"
            names = f"{NBSP}; ".join(f"{p['name']}, {p['title']}" if p.get("title") else p["name"] for p in presenters)
            line += f"<br>{label}{NBSP}: {escape(names)}"
        return line

    def webcast(self, company, *, several):
        owner = _of(escape(company.short_name))
        if company.website:
            name = company.in_language("investor_section_name", self.language) or company.investor_section_name
            section = f"«{NBSP}{escape(name)}{NBSP}»"
            place = (
                f"dans la section {section} du site Web {owner}, à l'adresse "
                f'<a href="{escape(company.website_url)}">{escape(company.website)}</a>'
            )
        else:
            page = settings.SITE_URL.rstrip("/") + reverse("investors:home")
            place = (
                f"sur la page d'information aux investisseurs {owner}, à l'adresse "
                f'<a href="{escape(page)}">{escape(_shown_address(page))}</a>'
            )
        subject = "chaque présentation" if several else "la présentation"
        return f"Une webdiffusion en direct de {subject} sera accessible {place}."

    def every_replay(self, days, *, several):
        subject = "chaque webdiffusion" if several else "la webdiffusion"
        return f"Une rediffusion de {subject} sera accessible pendant {self.days(days)} après l'événement."

    def replay(self, name, days, available_from):
        start = f"à compter du {available_from}" if available_from else "après l'événement"
        return (
            f"La rediffusion de la webdiffusion «{NBSP}{escape(name)}{NBSP}» sera accessible pendant "
            f"{self.days(days)} {start}."
        )


WIRES = {wire.language: wire for wire in (EnglishWire(), FrenchWire())}


def build_announcement(
    events: list[Event],
    *,
    company: CompanyProfile | None = None,
    contents: dict[int, dict] | None = None,
    language: str | None = None,
) -> Announcement:
    """The announcement's words in ``language`` (the primary by default); ``contents`` maps each event to the
    content it is written from (by default its working revision's), read in that language."""
    language = language or languages.primary()
    company = company or CompanyProfile.load()
    contents = contents or {event.pk: announced_revision(event).content for event in events}
    contents = {pk: languages.localized(content, language) for pk, content in contents.items()}
    events = sorted(events, key=lambda event: (contents[event.pk]["starts_at"], event.pk))
    several = len(events) > 1
    wire = WIRES[language]
    with translation.override(language):
        return Announcement(
            headline=wire.headline(company, several=several),
            lead=wire.lead(company, several=several),
            bullets=[wire.bullet(contents[event.pk], company.home_time_zone) for event in events],
            webcast_sentence=wire.webcast(company, several=several),
            replay_sentences=wire.replay_sentences(events, contents),
        )


@dataclass(frozen=True)
class FollowUp:
    """What an app above may do with a new announcement, offered as a choice on the announce page to those with
    ``permission`` (packages: the release and its events in one package). ``perform(actor=, release=, events=)``
    runs in the announcement's transaction; a ``WorkflowError`` it raises undoes the announcement too."""

    name: str
    label: str
    help_text: str
    permission: str
    perform: Callable[..., object]


_FOLLOW_UPS: dict[str, FollowUp] = {}


def register_follow_up(follow_up: FollowUp) -> None:
    _FOLLOW_UPS[follow_up.name] = follow_up


def follow_ups_for(user) -> list[FollowUp]:
    return [follow_up for follow_up in _FOLLOW_UPS.values() if user.has_perm(follow_up.permission)]


def announcement_release(
    *,
    actor,
    events: list[Event],
    follow_ups: Collection[str] = (),
    release_date: date | None = None,
    dateline_city: str | None = None,
    dateline_region: str | None = None,
    distribution: str | None = None,
) -> Release:
    """Create the announcement as a draft release linked to its events, in one transaction (the release
    workflow takes it from there). The dateline and wire default to the profile's, the date to today's in
    company time. ``follow_ups`` names the registered follow-ups to run with it (``FollowUp``); ``release.followed``
    holds what each made."""
    company = CompanyProfile.load()
    release_date = release_date or timezone.now().astimezone(timefmt.zone(company.home_time_zone)).date()
    with transaction.atomic():
        chosen = Event.objects.select_for_update().filter(pk__in=[event.pk for event in events])
        events = list(chosen.order_by("starts_at", "pk"))
        revisions = {event.pk: announced_revision(event) for event in events}
        contents = {pk: revision.content for pk, revision in revisions.items()}
        announcement = build_announcement(events, company=company, contents=contents)
        translations = {}
        for language in languages.secondary():
            written = build_announcement(events, company=company, contents=contents, language=language)
            translations[language] = {"headline": written.headline, "body": written.body_html()}
        slug = unique_slug(
            f"{announcement.headline} {release_date.isoformat()}",
            taken=lambda slug: Release.objects.filter(slug=slug).exists(),
            max_length=100,
        )
        release = release_create(
            actor=actor,
            slug=slug,
            headline=announcement.headline,
            subheadline="",
            highlights=[],
            dateline_city=company.dateline_city if dateline_city is None else dateline_city,
            dateline_region=company.dateline_region if dateline_region is None else dateline_region,
            release_date=release_date,
            distribution=company.distribution if distribution is None else distribution,
            body=announcement.body_html(),
            translations=translations,
            about=default_boilerplate(Boilerplate.Kind.ABOUT),
            safe_harbor=default_boilerplate(Boilerplate.Kind.SAFE_HARBOR),
            contacts=list(MediaContact.objects.filter(is_active=True)),
        )
        for event in events:
            revision = revisions[event.pk]
            EventAnnouncement.objects.create(
                event=event, release=release, revision_number=revision.number, content_hash=revision.content_hash
            )
            audit_record(
                action="event.announce",
                actor=actor,
                obj=event,
                data={"release": release.pk, "headline": release.headline, "revision": revision.number},
            )
        release.followed = {
            name: _FOLLOW_UPS[name].perform(actor=actor, release=release, events=events) for name in follow_ups
        }
    return release


def announced_events(release: Release) -> list[Announced]:
    """For the release's checks: each event it announces, and whether the public will read it as announced
    at the release's embargo (or now, without one)."""
    moment = release.publish_at or timezone.now()
    links = EventAnnouncement.objects.filter(release=release).select_related(
        "event__live_revision", "event__approved_revision"
    )
    found = []
    for link in links:
        event = link.event
        public = event.public_revision(moment)  # as far as its columns say now (the one read-time rule)
        if event.is_cancelled or event.status == State.WITHDRAWN:
            problem = "cancelled"
        elif public is None:
            problem = "not_public"
        elif public.content_hash != link.content_hash:
            problem = "changed"
        else:
            problem = ""
        found.append(Announced(title=event.title, problem=problem))
    return found
