"""Staff forms for events (crispy, Bootstrap 5). Every bad value is a form error, never a server error.

Times are typed as the event's local wall-clock time and stored in UTC; a
local time that does not exist in the event's zone (the hour skipped when
clocks go forward) is refused with an explanation.
"""

from crispy_forms.helper import FormHelper
from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, URLValidator

from company.forms import CompanyDateTimeField
from company.validators import validate_time_zone
from events.models import MAX_REPLAY_DAYS, Event, EventKind
from irportal.forms import CleanTextMixin, LocalDateTimeField, aware, local

http_url = URLValidator(schemes=["http", "https"], message="Enter an http:// or https:// address.")


def _helper() -> FormHelper:
    helper = FormHelper()
    helper.form_tag = False
    return helper


class EventForm(CleanTextMixin, forms.Form):
    slug = forms.SlugField(max_length=120, help_text="The address: /investors/events/<slug>/")
    title = forms.CharField(
        max_length=200, help_text="The subject, e.g. Presentation at the Winter Technology Conference"
    )
    kind = forms.ChoiceField(choices=EventKind.choices)
    organizer = forms.CharField(max_length=200, required=False, label="Conference or organizer")
    time_zone = forms.CharField(
        max_length=64, initial="America/New_York", help_text="The event's own zone, an IANA name, e.g. America/Phoenix"
    )
    starts_local = LocalDateTimeField(label="Starts (local time)", required=False)
    ends_local = LocalDateTimeField(label="Ends (local time)", required=False)
    location = forms.CharField(max_length=120, required=False, help_text='City, or "Virtual"')
    presenters = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text="One per line: name, title (e.g. Jane Doe, President and CEO)",
    )
    webcast_url = forms.CharField(max_length=500, required=False, validators=[http_url], label="Live webcast link")
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)
    replay_days = forms.IntegerField(
        label="Replay window (days)",
        validators=[MinValueValidator(1), MaxValueValidator(MAX_REPLAY_DAYS)],
        help_text="How long the replay stays public; later changes need a reason.",
    )

    def __init__(self, *args, event: Event | None = None, **kwargs):
        self.event = event
        super().__init__(*args, **kwargs)
        self.helper = _helper()
        if event is not None:
            del self.fields["replay_days"]
            if event.first_published_at:
                self.fields["slug"].disabled = True
                self.fields["slug"].help_text = "A published address stays as it is."

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
            "presenters": "\n".join(
                f"{p['name']}, {p['title']}" if p["title"] else p["name"] for p in event.presenters
            ),
            "webcast_url": event.webcast_url,
            "description": event.description,
        }

    def clean_time_zone(self):
        value = self.cleaned_data["time_zone"].strip()
        validate_time_zone(value)
        return value

    def clean_slug(self):
        slug = self.cleaned_data["slug"]
        clash = Event.objects.filter(slug=slug)
        if self.event is not None:
            clash = clash.exclude(pk=self.event.pk)
        if clash.exists():
            raise ValidationError("Another event already uses this address.")
        return slug

    def clean_presenters(self):
        presenters = []
        for line in self.cleaned_data["presenters"].splitlines():
            if line.strip():
                name, _, title = line.partition(",")
                presenters.append({"name": name.strip()[:120], "title": title.strip()[:160]})
        return presenters

    def clean(self):
        data = super().clean()
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
            self.add_error("starts_local", "Give the start as well as the end.")
        if starts_at and ends_at and ends_at < starts_at:
            self.add_error("ends_local", "The event cannot end before it starts.")
        return data

    def content_fields(self) -> dict:
        data = self.cleaned_data
        names = ("slug", "title", "kind", "organizer", "time_zone", "location", "presenters", "webcast_url")
        fields = {name: data[name] for name in names} | {"description": data["description"]}
        return fields | {"starts_at": data.get("starts_at"), "ends_at": data.get("ends_at")}


class ReplayUrlForm(CleanTextMixin, forms.Form):
    replay_url = forms.CharField(
        max_length=500, required=False, validators=[http_url], label="Replay link", help_text="Empty removes it"
    )
    available_local = LocalDateTimeField(
        label="Available from (event's local time)", required=False, help_text="Leave empty for the end of the event"
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


class ReplayWindowForm(CleanTextMixin, forms.Form):
    days = forms.IntegerField(
        label="Replay window (days)", validators=[MinValueValidator(1), MaxValueValidator(MAX_REPLAY_DAYS)]
    )
    reason = forms.CharField(max_length=1000, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper()


class ReasonForm(CleanTextMixin, forms.Form):
    """Cancel, withdraw and request changes: the text is kept with the record."""

    reason = forms.CharField(max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, label: str = "Reason", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].label = label
        self.helper = _helper()


class AnnounceForm(CleanTextMixin, forms.Form):
    events = forms.ModelMultipleChoiceField(
        queryset=Event.objects.none(), widget=forms.CheckboxSelectMultiple, help_text="Published upcoming events"
    )
    dateline_city = forms.CharField(max_length=80)
    dateline_region = forms.CharField(max_length=80, help_text="State or country, e.g. Ariz.")
    release_date = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    distribution = forms.CharField(max_length=80, initial="BUSINESS WIRE")

    def __init__(self, *args, events_queryset, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["events"].queryset = events_queryset
        self.fields["events"].label_from_instance = lambda event: f"{event.title} ({event.organizer or event.slug})"
        self.helper = _helper()


class ScheduleForm(CleanTextMixin, forms.Form):
    """When an approved event goes public: a time in the company's home zone."""

    publish_at = CompanyDateTimeField(label="Publish at (company time)")
