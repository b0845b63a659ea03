"""Staff forms for events (crispy, Bootstrap 5). Every bad value is a form error, never a server error.

Times are typed as the event's local wall-clock time and stored in UTC; a
local time that does not exist in the event's zone (the hour skipped when
clocks go forward) is refused with an explanation. A start in the past is a
warning the author confirms (events are sometimes recorded after the fact).
The address (slug) is made from the title when left empty; a small script
(``static/js/slug.js``, included through the form's media) fills it in as
the title is typed.
"""

from datetime import timedelta

from crispy_forms.helper import FormHelper
from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, URLValidator
from django.forms import Script
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.translation import gettext, ngettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from company.forms import CompanyDateTimeField
from company.models import CompanyProfile
from events import timefmt
from events.content import heading
from events.ics import DEFAULT_DURATION
from events.models import MAX_REPLAY_DAYS, Event, EventKind, replay_timing_problem
from irportal.forms import (
    CleanTextMixin,
    DateField,
    LocalDateTimeField,
    TimeZoneField,
    aware,
    local,
    time_zone_choices,
    unique_slug,
)

http_url = URLValidator(schemes=["http", "https"], message=_("Enter an http:// or https:// address."))


def _helper() -> FormHelper:
    helper = FormHelper()
    helper.form_tag = False
    return helper


def _address(slug: str) -> str:
    return reverse("events:detail", args=[slug])


def _ends_help() -> str:
    minutes = DEFAULT_DURATION.seconds // 60
    return ngettext(
        "Calendars need an end: without it, calendar entries last %(minutes)s minute and the replay becomes "
        "available from the start.",
        "Calendars need an end: without it, calendar entries last %(minutes)s minutes and the replay becomes "
        "available from the start.",
        minutes,
    ) % {"minutes": minutes}


class PresentersField(forms.CharField):
    """Who presents, typed one a line as ``name, title``: a list of ``{"name": ..., "title": ...}``. The field
    parses what is typed itself, so that its copy for a second language (the console's) does too."""

    def __init__(self, **kwargs):
        kwargs.setdefault("widget", forms.Textarea(attrs={"rows": 3}))
        super().__init__(**kwargs)

    def prepare_value(self, value):
        if isinstance(value, list):
            return "\n".join(f"{p['name']}, {p['title']}" if p.get("title") else p["name"] for p in value)
        return value

    def clean(self, value):
        presenters = []
        for line in super().clean(value).splitlines():
            if line.strip():
                name, _, title = line.partition(",")
                presenters.append({"name": name.strip()[:120], "title": title.strip()[:160]})
        return presenters


class EventForm(CleanTextMixin, forms.Form):
    slug = forms.SlugField(max_length=120, required=False, label=_("Address (slug)"))
    title = forms.CharField(
        max_length=200,
        label=pgettext_lazy("of an event", "Title"),
        help_text=_("The subject, e.g. Presentation at the Winter Technology Conference"),
    )
    kind = forms.ChoiceField(choices=EventKind.choices, label=_("Kind"))
    organizer = forms.CharField(
        max_length=200,
        required=False,
        label=_("Conference or organizer"),
        help_text=_("Shown beside the title unless the title already names it."),
    )
    time_zone = TimeZoneField(
        label=_("Time zone"), help_text=_("The event's own zone: where it takes place (or is broadcast from).")
    )
    starts_local = LocalDateTimeField(label=_("Starts (local time)"), required=False)
    ends_local = LocalDateTimeField(label=_("Ends (local time)"), required=False, help_text=lazy(_ends_help, str)())
    confirm_past = forms.BooleanField(
        required=False, widget=forms.HiddenInput, label=_("Save anyway: the event has already taken place")
    )
    location = forms.CharField(
        max_length=120, required=False, label=_("Location"), help_text=Event._meta.get_field("location").help_text
    )
    presenters = PresentersField(
        required=False,
        label=_("Presenters"),
        help_text=_("One per line: name, title (e.g. Jane Doe, President and CEO)"),
    )
    webcast_url = forms.CharField(max_length=500, required=False, validators=[http_url], label=_("Live webcast link"))
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False, label=_("Description"))
    replay_days = forms.IntegerField(
        label=_("Replay window (days)"),
        validators=[MinValueValidator(1), MaxValueValidator(MAX_REPLAY_DAYS)],
        help_text=_("How long the replay stays public; later changes need a reason."),
    )

    class Media:
        js = [Script("js/slug.js", defer=True)]

    def __init__(self, *args, event: Event | None = None, **kwargs):
        self.event = event
        self.home_zone = CompanyProfile.load().home_time_zone
        super().__init__(*args, **kwargs)
        self.helper = _helper()
        self.fields["time_zone"].choices = time_zone_choices(self.home_zone)
        self.fields["time_zone"].initial = self.home_zone
        slug = self.fields["slug"]
        slug.widget.attrs["data-slug-from"] = self["title"].auto_id
        example = _address("winter-technology-conference-2026")
        slug.help_text = gettext(
            "The last part of the public address, e.g. %(example)s. Left empty, it is made from the title."
        ) % {"example": example}
        if event is not None:
            del self.fields["replay_days"]
            slug.help_text = gettext("The public address: %(address)s. Change it only before publication.") % {
                "address": _address(event.slug)
            }
            if event.first_published_at:
                slug.disabled = True
                slug.help_text = gettext("The public address, %(address)s, stays as it is once published.") % {
                    "address": _address(event.slug)
                }

    @staticmethod
    def initial_for(event: Event) -> dict:
        return {
            "slug": event.slug,
            "title": event.title,
            "kind": event.kind,
            "organizer": event.organizer,
            "time_zone": event.time_zone,
            "starts_local": local(event.starts_at, event.time_zone),
            "ends_local": local(event.ends_at, event.time_zone),
            "location": event.location,
            "presenters": event.presenters,
            "webcast_url": event.webcast_url,
            "description": event.description,
        }

    def _others(self):
        others = Event.objects.all()
        return others.exclude(pk=self.event.pk) if self.event is not None else others

    def clean_slug(self):
        slug = self.cleaned_data["slug"]
        if slug and self._others().filter(slug=slug).exists():
            raise ValidationError(gettext("Another event already uses this address."))
        return slug

    def clean(self):
        data = super().clean()
        self._fill_slug(data)
        zone_name = data.get("time_zone")
        if zone_name is None:
            return data
        for name in ("starts_local", "ends_local"):
            try:
                data[name.replace("_local", "_at")] = aware(data.get(name), zone_name)
            except ValidationError as exc:
                self.add_error(name, exc)
        starts_at, ends_at = data.get("starts_at"), data.get("ends_at")
        if ends_at is not None and starts_at is None and "starts_local" not in self.errors:
            self.add_error("starts_local", gettext("Give the start as well as the end."))
        if starts_at and ends_at and ends_at < starts_at:
            self.add_error("ends_local", gettext("The event cannot end before it starts."))
        self._check_replay_fits(data)
        self._warn_past_start(data)
        return data

    def _check_replay_fits(self, data) -> None:
        """A replay time set by hand must still fit the event once it moves (the service refuses it too)."""
        event = self.event
        if event is None or not event.replay_available_at_fixed or self.errors:
            return
        problem = replay_timing_problem(
            starts_at=data.get("starts_at"),
            ends_at=data.get("ends_at"),
            available_at=event.replay_available_at,
            expires_at=event.replay_expires_at,
            time_zone=data["time_zone"],
        )
        if problem:
            self.add_error(
                None,
                gettext("%(problem)s Change or clear “Available from” under Replay link first.") % {"problem": problem},
            )

    def _fill_slug(self, data) -> None:
        """An empty address is made from the title, unique among events."""
        if data.get("slug") or "slug" in self.errors or self.fields["slug"].disabled or not data.get("title"):
            return
        slug = unique_slug(data["title"], taken=lambda slug: self._others().filter(slug=slug).exists(), max_length=120)
        if slug:
            data["slug"] = slug
        else:
            self.add_error(
                "slug", gettext("The title has no letters or digits to make an address from: give one here.")
            )

    def _warn_past_start(self, data) -> None:
        """A start in the past, new or changed, is saved only once the author confirms it."""
        starts_at = data.get("starts_at")
        unchanged = self.event is not None and starts_at == self.event.starts_at
        if starts_at is None or starts_at >= timezone.now() or unchanged or data.get("confirm_past"):
            return
        self.fields["confirm_past"].widget = forms.CheckboxInput()
        when = timefmt.when(starts_at, data["time_zone"], self.home_zone)
        self.add_error(
            "confirm_past",
            gettext(
                "The start, %(when)s, is in the past. Check the date; if the event has indeed taken place, tick "
                "“Save anyway”."
            )
            % {"when": when},
        )

    def content_fields(self) -> dict:
        data = self.cleaned_data
        names = ("slug", "title", "kind", "organizer", "time_zone", "location", "presenters", "webcast_url")
        fields = {name: data[name] for name in names} | {"description": data["description"]}
        return fields | {"starts_at": data.get("starts_at"), "ends_at": data.get("ends_at")}


class ReplayUrlForm(CleanTextMixin, forms.Form):
    replay_url = forms.CharField(
        max_length=500, required=False, validators=[http_url], label=_("Replay link"), help_text=_("Empty removes it")
    )
    available_local = LocalDateTimeField(
        label=_("Available from (event's local time)"),
        required=False,
        help_text=_("Empty: from the end of the event (and it follows the event if the event moves)."),
    )

    def __init__(self, *args, event: Event, **kwargs):
        self.event = event
        super().__init__(*args, **kwargs)
        self.helper = _helper()

    def clean(self):
        data = super().clean()
        try:
            data["available_at"] = aware(data.get("available_local"), self.event.time_zone)
        except ValidationError as exc:
            self.add_error("available_local", exc)
            return data
        event, available_at = self.event, data["available_at"]
        if available_at is not None:
            problem = replay_timing_problem(
                starts_at=event.starts_at,
                ends_at=event.ends_at,
                available_at=available_at,
                expires_at=available_at + timedelta(days=event.replay_days),
                time_zone=event.time_zone,
            )
            if problem:
                self.add_error("available_local", problem)
        return data


class ReplayWindowForm(CleanTextMixin, forms.Form):
    days = forms.IntegerField(
        label=_("Replay window (days)"), validators=[MinValueValidator(1), MaxValueValidator(MAX_REPLAY_DAYS)]
    )
    reason = forms.CharField(max_length=1000, widget=forms.Textarea(attrs={"rows": 2}), label=_("Reason"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper()


class ReasonForm(CleanTextMixin, forms.Form):
    """Cancel, withdraw and request changes: the text is kept with the record."""

    reason = forms.CharField(max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, label: str = _("Reason"), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].label = label
        self.helper = _helper()


class AnnouncedEventsField(forms.ModelMultipleChoiceField):
    """Upcoming events, each named with its date and time in both zones and its state, so that two events
    of the same name stay apart."""

    home_zone = "UTC"  # the form sets the company's
    now = None  # and the moment the list is read

    def label_from_instance(self, event):
        parts = [heading(event.title, event.organizer), timefmt.when(event.starts_at, event.time_zone, self.home_zone)]
        parts.append(timefmt.state(event, self.now, self.home_zone))
        announced = [f"“{link.release.headline}”" for link in event.announcements.all()]
        if announced:
            parts.append(gettext("announced in %(releases)s") % {"releases": ", ".join(announced)})
        return " · ".join(parts)


class AnnounceForm(CleanTextMixin, forms.Form):
    events = AnnouncedEventsField(
        queryset=Event.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        label=_("Events"),
        help_text=_(
            "Upcoming events in any state but withdrawn or cancelled: an event need not be public to be announced."
        ),
    )
    dateline_city = forms.CharField(max_length=80, label=_("Dateline city"))
    dateline_region = forms.CharField(
        max_length=80, label=_("Dateline region"), help_text=_("State or country, e.g. Ariz.")
    )
    release_date = DateField(label=_("Release date"))
    distribution = forms.CharField(
        max_length=80, label=_("Distribution"), help_text=_("The wire, as the dateline prints it")
    )

    def __init__(self, *args, events_queryset, home_zone: str, now, follow_ups=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["events"].queryset = events_queryset
        self.fields["events"].home_zone = home_zone
        self.fields["events"].now = now
        for follow_up in follow_ups:  # what apps above offer to do with the announcement (a package)
            self.fields[f"follow_{follow_up.name}"] = forms.BooleanField(
                required=False, label=follow_up.label, help_text=follow_up.help_text
            )
        self.helper = _helper()

    def chosen_follow_ups(self) -> list[str]:
        return [
            name.removeprefix("follow_")
            for name, value in self.cleaned_data.items()
            if name.startswith("follow_") and value
        ]


class ScheduleForm(CleanTextMixin, forms.Form):
    """When an approved event goes public: a time in the company's home zone."""

    publish_at = CompanyDateTimeField(label=_("Publish at (company time)"))
