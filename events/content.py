"""An event's content as one JSON snapshot, and how public pages and calendars read it back.

The snapshot is what a revision stores and hashes. ``EventDocument`` joins
the public revision with the row's operational facts (replay, cancellation)
and the time of the request, so templates and calendars say the same thing.
"""

from dataclasses import dataclass
from datetime import UTC, datetime

from django.urls import reverse
from django.utils import translation
from django.utils.functional import cached_property
from django.utils.translation import gettext, ngettext

from events import timefmt
from events.models import Event, EventKind, ReplayStatus
from irportal.workflow import languages
from irportal.workflow.models import SnapshotDocument, public_sql, public_sql_parameters
from releases.content import ReleaseDocument
from releases.models import Release
from releases.selectors import DOCUMENTS_SQL, raw_documents


def _iso(value):
    return value.astimezone(UTC).isoformat() if value else None


def event_content(event: Event) -> dict:
    return {
        "slug": event.slug,
        "title": event.title,
        "kind": event.kind,
        "organizer": event.organizer,
        "starts_at": _iso(event.starts_at),
        "ends_at": _iso(event.ends_at),
        "time_zone": event.time_zone,
        "location": event.location,
        "presenters": [{"name": p["name"], "title": p.get("title", "")} for p in event.presenters or []],
        "webcast_url": event.webcast_url,
        "description": event.description,
    }


def instant(value):
    return datetime.fromisoformat(value) if value else None


def conference_shown(title: str, organizer: str) -> str:
    """The conference or organizer, unless the title already names it (any case): nothing is said twice."""
    organizer = (organizer or "").strip()
    return organizer if organizer and organizer.casefold() not in title.casefold() else ""


def heading(title: str, organizer: str) -> str:
    """``Fireside chat, Northeast Growth Conference``; just the title when it names the conference itself."""
    conference = conference_shown(title, organizer)
    return f"{title}, {conference}" if conference else title


def presenter_label(presenters) -> str:
    """``Presenter`` for one, ``Presenters`` for several: the English wire's word in an announcement (pages and
    calendars say ``EventDocument.presenter_label``, in the reader's language)."""
    return "Presenter" if len(presenters) == 1 else "Presenters"


def presenter_line(presenters) -> str:
    return "; ".join(f"{p['name']}, {p['title']}" if p.get("title") else p["name"] for p in presenters)


# A slug (letters, digits, hyphens and underscores) stands in an event's addresses as it is: a list of events
# reverses each address once (``event_address``) and writes each event's slug in it.
_SLUG = "event-slug"


def event_address(name: str):
    """The address ``name`` (``events:detail``, ``events:ics``) of an event, as a function of its slug."""
    head, tail = reverse(name, args=[_SLUG]).rsplit(_SLUG, 1)
    return lambda slug: f"{head}{slug}{tail}"


# The newest public release that announced an event, with the revision the public reads (``DOCUMENTS_SQL``), read
# as one reviewed statement. tests/investors/test_public_lists.py holds it to the ORM's reading at many moments.
ANNOUNCEMENT_SQL = f"""{DOCUMENTS_SQL}
JOIN events_eventannouncement a ON a.release_id = r.id
WHERE a.event_id = %(event)s AND {public_sql("r")}
ORDER BY r.id DESC
LIMIT 1"""


class Wording:
    """The language an event's times are written in and the words its page and calendar entry say in it, read once
    for a list of events (``EventDocument``'s ``wording``): each event then asks neither the active language nor
    the catalogue again."""

    def __init__(self):
        # The language the revisions' content is read in (``languages.localized``), and whether times are French.
        self.language = languages.active()
        self.french = timefmt.in_french()
        self.span = gettext("%(start)s to %(end)s")
        self.undated = gettext("Date to be announced")
        # Each number of presenters' label (``Presenter``, ``Presenters``), translated in the list's language when
        # first needed.
        self._presenter_labels: dict[int, str] = {}

    def presenter_label(self, count: int) -> str:
        if count not in self._presenter_labels:
            with translation.override(self.language):
                self._presenter_labels[count] = ngettext("Presenter", "Presenters", count)
        return self._presenter_labels[count]


@dataclass
class Replay:
    """What the public is told about the replay at one moment."""

    state: str  # "none", "pending", "available", "expired"
    url: str = ""
    until: str = ""
    available_from: str = ""
    expired_on: str = ""


class EventDocument(SnapshotDocument):
    """Read access for templates and calendars: ``doc.title``, ``doc.when``, ``doc.replay.state``..."""

    def __init__(
        self,
        event: Event,
        content: dict,
        *,
        now: datetime,
        home_zone: str,
        number: int | None = None,
        wording: Wording | None = None,
    ):
        super().__init__(content)
        self._wording = wording
        self.event = event
        # The number of the revision read (a calendar entry's sequence), when the reader was given it.
        self.number = number
        self.now = now
        self.home_zone = home_zone
        self.starts_at = instant(content["starts_at"])
        self.ends_at = instant(content["ends_at"])

    @property
    def wording(self) -> Wording:
        """The language and words of the list the document is in; read alone, the active language's when asked."""
        return self._wording or Wording()

    @property
    def kind_label(self) -> str:
        return EventKind(self.content["kind"]).label if self.content["kind"] in EventKind.values else ""

    @property
    def conference(self) -> str:
        return conference_shown(self.content["title"], self.content["organizer"])

    @property
    def heading(self) -> str:
        return heading(self.content["title"], self.content["organizer"])

    @property
    def presenter_label(self) -> str:
        return self.wording.presenter_label(len(self.content["presenters"]))

    @property
    def presenter_line(self) -> str:
        return presenter_line(self.content["presenters"])

    @property
    def url(self) -> str:
        return reverse("events:detail", args=[self.event.slug])

    @property
    def ics_url(self) -> str:
        return reverse("events:ics", args=[self.event.slug])

    @cached_property
    def announcement(self) -> ReleaseDocument | None:
        """The newest release that announced the event, when the public can read it (``ANNOUNCEMENT_SQL``)."""
        params = public_sql_parameters(self.now) | {"event": self.event.pk}
        documents = raw_documents(Release.objects.raw(ANNOUNCEMENT_SQL, params))
        return documents[0] if documents else None

    @property
    def cancelled(self) -> bool:
        return self.event.is_cancelled

    @property
    def when(self) -> str:
        wording = self.wording
        if self.starts_at is None:
            return wording.undated
        text = timefmt.when(self.starts_at, self.time_zone, self.home_zone, french=wording.french)
        if self.ends_at and self.ends_at != self.starts_at:
            end = timefmt.dual_time(self.ends_at, self.time_zone, self.home_zone, french=wording.french)
            text = wording.span % {"start": text, "end": end}
        return text

    @property
    def finished_at(self):
        return self.ends_at or self.starts_at

    @property
    def is_upcoming(self) -> bool:
        """Not over yet (live events count as upcoming): the live webcast link still applies."""
        return self.finished_at is None or self.finished_at > self.now

    @property
    def is_live_now(self) -> bool:
        return bool(self.starts_at and self.starts_at <= self.now < (self.ends_at or self.starts_at))

    @property
    def show_webcast(self) -> bool:
        return bool(self.webcast_url and self.is_upcoming and not self.cancelled)

    @cached_property
    def replay(self) -> Replay:
        event = self.event
        if self.cancelled or event.replay_available_at is None:
            return Replay("none")
        if not event.replay_url and event.replay_status != ReplayStatus.EXPIRED:
            # No link was ever made public: there is no replay to speak of, expired or coming.
            return Replay("none")
        french = self.wording.french
        if self.now >= event.replay_expires_at:
            expired_on = timefmt.local_date(event.replay_expires_at, self.home_zone, french=french)
            return Replay("expired", expired_on=expired_on)
        until = timefmt.when(event.replay_expires_at, self.time_zone, self.home_zone, french=french)
        if event.replay_visible(self.now):
            return Replay("available", url=event.replay_url, until=until)
        available_from = timefmt.when(event.replay_available_at, self.time_zone, self.home_zone, french=french)
        return Replay("pending", available_from=available_from)
