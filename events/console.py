"""Events on the staff console: the kind's form, content template, services and replay operations."""

from datetime import datetime

from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from company.models import CompanyProfile
from company.timefmt import clock_with_zone
from events import services, timefmt
from events.content import EventDocument
from events.forms import EventForm, ReasonForm, ReplayUrlForm, ReplayWindowForm
from events.workflow import EVENT
from irportal.forms import local
from irportal.workflow.console import CalendarEntry, Kind, Link, Operation


def _set_replay_url(*, actor, item, data, step_up):
    services.event_replay_url_set(
        actor=actor, pk=item.pk, replay_url=data["replay_url"], available_at=data["available_at"], step_up=step_up
    )


def _change_replay_window(*, actor, item, data, step_up):
    services.event_replay_window_change(
        actor=actor, pk=item.pk, days=data["days"], reason=data["reason"], step_up=step_up
    )


def _cancel(*, actor, item, data, step_up):
    services.event_cancel(actor=actor, pk=item.pk, reason=data["reason"], step_up=step_up)


def local_time_note(instant, event_zone: str, home_zone: str) -> str:
    """`` (9:00 am MST local)`` after an entry shown at its company time, when the event's own zone says
    another time; nothing when the two agree (the time is not said twice)."""
    there = instant.astimezone(timefmt.zone(event_zone))
    here = instant.astimezone(timefmt.zone(home_zone))
    if there.utcoffset() == here.utcoffset() and there.tzname() == here.tzname():
        return ""
    return " " + gettext("(%(time)s local)") % {"time": clock_with_zone(there)}


class EventKind(Kind):
    workflow = EVENT
    slug = "events"
    label = pgettext_lazy("kind of content", "event")
    label_plural = pgettext_lazy("kind of content", "events")
    date_field = "starts_at"
    title_field = "title"
    search_fields = ("title", "organizer", "slug", "location")
    form_class = EventForm
    content_template = "public/events/_event.html"
    nav_order = 20
    list_links = (Link(_("Announce events"), "events_staff:announce", "releases.add_release"),)
    review_panels = ("staff/events/_replay_facts.html", "staff/events/_announcements.html")
    diff_labels = {
        "title": pgettext_lazy("of an event", "Title"),
        "kind": _("Kind"),
        "organizer": _("Conference or organizer"),
        "starts_at": _("Starts"),
        "ends_at": _("Ends"),
        "time_zone": _("Time zone"),
        "location": _("Location"),
        "presenters": _("Presenters"),
        "webcast_url": _("Live webcast link"),
        "description": _("Description"),
        "slug": _("Address"),
    }
    operations = (
        Operation(
            "replay_link",
            _("Replay link"),
            ReplayUrlForm,
            _set_replay_url,
            _("The replay link was saved."),
            button=_("Save the replay link"),
            form_kwargs=lambda event: {"event": event},
            initial=lambda event: {
                "replay_url": event.replay_url,
                "available_local": local(event.replay_available_at, event.time_zone)
                if event.replay_available_at_fixed
                else None,
            },
            public_verb="publish",
        ),
        Operation(
            "replay_window",
            _("Extend or shorten the replay window"),
            ReplayWindowForm,
            _change_replay_window,
            _("The replay window was changed."),
            initial=lambda event: {"days": event.replay_days},
            public_verb="publish",
        ),
        Operation(
            "cancel",
            _("Cancel the event"),
            ReasonForm,
            _cancel,
            _("The event is marked cancelled."),
            verb="cancel",
            form_kwargs=lambda event: {"label": _("Reason for the cancellation")},
            available=lambda event: event.status != "withdrawn" and not event.is_cancelled,
            step_up=True,
        ),
    )

    def form(self, data=None, files=None, *, item=None):
        if item is not None:
            return EventForm(data, initial=EventForm.initial_for(item), event=item)
        return EventForm(data, initial={"replay_days": CompanyProfile.load().default_replay_days})

    def create(self, *, actor, form, translations):
        return services.event_create(
            actor=actor,
            replay_days=form.cleaned_data["replay_days"],
            translations=translations,
            **form.content_fields(),
        )

    def update(self, *, actor, item, form, base_version, translations):
        return services.event_update(
            actor=actor, pk=item.pk, base_version=base_version, translations=translations, **form.content_fields()
        )

    def restore(self, *, actor, item, number):
        return services.event_restore(actor=actor, pk=item.pk, number=number)

    def document(self, item, revision, *, now):
        return EventDocument(item, revision.content, now=now, home_zone=CompanyProfile.load().home_time_zone)

    def field_text(self, name, value):
        if name in {"starts_at", "ends_at"}:
            return datetime.fromisoformat(value).strftime("%Y-%m-%d %H:%M UTC") if value else ""
        if name == "presenters":
            return "\n".join(f"{p['name']}, {p['title']}" if p.get("title") else p["name"] for p in value or [])
        return None

    def calendar_entries(self, start, end):
        entries = super().calendar_entries(start, end)
        home = CompanyProfile.load().home_time_zone
        events = self.calendar_items().exclude(status="withdrawn").filter(cancelled_at__isnull=True)
        for event in events.filter(starts_at__gte=start, starts_at__lt=end).order_by("starts_at"):
            title = f"{event.title}{local_time_note(event.starts_at, event.time_zone, home)}"
            entries.append(
                CalendarEntry(event.starts_at, "event", title, self.url("detail", event), event.ends_at, event)
            )
        replays = events.exclude(replay_url="")
        for event in replays.filter(replay_available_at__gte=start, replay_available_at__lt=end):
            entries.append(
                CalendarEntry(event.replay_available_at, "replay_opens", event.title, self.url("detail", event))
            )
        for event in replays.filter(replay_expires_at__gte=start, replay_expires_at__lt=end):
            entries.append(
                CalendarEntry(event.replay_expires_at, "replay_closes", event.title, self.url("detail", event))
            )
        return entries
