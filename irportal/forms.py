"""Shared by the staff console's forms: text without control characters, wall-clock times and their zones,
addresses made from titles."""

import re
import zoneinfo
from collections.abc import Callable
from datetime import UTC, date, datetime

from django import forms
from django.core.exceptions import ValidationError
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

# Where investor events usually happen: offered right after the company's own zone.
MARKET_ZONES = (
    "America/New_York",
    "America/Chicago",
    "America/Denver",
    "America/Phoenix",
    "America/Los_Angeles",
    "America/Toronto",
    "America/Sao_Paulo",
    "Europe/London",
    "Europe/Paris",
    "Europe/Berlin",
    "Europe/Zurich",
    "Asia/Dubai",
    "Asia/Kolkata",
    "Asia/Singapore",
    "Asia/Hong_Kong",
    "Asia/Shanghai",
    "Asia/Tokyo",
    "Australia/Sydney",
    "UTC",
)


# Every date and time staff type lies in these years: far enough back for any record a company keeps and ahead
# for any embargo, and clear of the ends of Python's calendar (years 1 and 9999), where moving a time into
# another zone overflows.
EARLIEST_YEAR, LATEST_YEAR = 1900, 2999


def validate_year(value: date) -> None:
    if not EARLIEST_YEAR <= value.year <= LATEST_YEAR:
        raise ValidationError(
            _("Enter a date between the years %(earliest)s and %(latest)s.")
            % {"earliest": EARLIEST_YEAR, "latest": LATEST_YEAR},
            code="out_of_range",
        )


class DateField(forms.DateField):
    """A calendar date within ``EARLIEST_YEAR`` and ``LATEST_YEAR``, typed in the browser's date picker."""

    widget = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    default_validators = [validate_year]


class LocalDateTimeField(forms.DateTimeField):
    """A wall-clock time with no zone, to the minute: the form, or a subclass, says which zone it is meant in.

    Seconds are dropped: every time staff schedule (an embargo, a replay
    window) falls on a whole minute, which lets the public cache give every
    answer a lifetime to the next minute without telling anyone when the
    next change is (``investors.cache``). Every date-and-time field of the
    console takes this one precision, those written in templates too (the
    approve and schedule forms).
    """

    widget = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, datetime):
            return value.replace(tzinfo=None, second=0, microsecond=0)
        try:
            parsed = datetime.fromisoformat(str(value).strip())
        except ValueError:
            raise ValidationError(_("Enter a date and time, e.g. 2026-12-08 09:00."), code="invalid") from None
        if parsed.tzinfo is not None:
            raise ValidationError(_("Enter the local time without a zone; the zone is its own field."), code="invalid")
        validate_year(parsed)
        return parsed.replace(second=0, microsecond=0)


def aware(local: datetime | None, zone_name: str) -> datetime | None:
    """Attach the zone to a wall-clock time; ValidationError if the clocks skip that time."""
    if local is None:
        return None
    zone = zoneinfo.ZoneInfo(zone_name)
    value = local.replace(tzinfo=zone)
    round_trip = value.astimezone(UTC).astimezone(zone).replace(tzinfo=None)  # in range: see EARLIEST_YEAR
    if round_trip != local:
        raise ValidationError(
            _("%(time)s does not exist in %(zone)s: the clocks skip that hour.")
            % {"time": f"{local:%Y-%m-%d %H:%M}", "zone": zone_name}
        )
    return value


def local(value: datetime | None, zone_name: str) -> datetime | None:
    return value.astimezone(zoneinfo.ZoneInfo(zone_name)).replace(tzinfo=None) if value else None


# Every C0 and C1 control character and DEL; tab and newline are text in a field of several lines.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_CONTROL_MULTILINE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def strip_control_characters(value: str, *, multiline: bool) -> str:
    """``value`` without control characters. In several lines, line ends become ``\\n`` and tabs stay."""
    if multiline:
        return _CONTROL_MULTILINE.sub("", value.replace("\r\n", "\n").replace("\r", "\n"))
    return _CONTROL.sub("", value)


class CleanTextMixin:
    """For every staff form: control characters are taken out of what was typed before any field sees it.

    A bare carriage return in a title would otherwise reach places that read
    it as a line break (a calendar file, an email header, a CSV row). Fields
    with a multi-line widget keep their line breaks and tabs; passwords are
    left exactly as typed.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.take_out_control_characters()

    def take_out_control_characters(self):
        """Clean what was typed for every field the form has now (a form that adds fields calls it again)."""
        if not self.is_bound:
            return
        data = self.data.copy()
        for name, field in self.fields.items():
            key = self.add_prefix(name)
            if key not in data or isinstance(field.widget, forms.PasswordInput):
                continue
            multiline = isinstance(field.widget, forms.Textarea)
            values = data.getlist(key) if hasattr(data, "getlist") else [data[key]]
            cleaned = [strip_control_characters(v, multiline=multiline) if isinstance(v, str) else v for v in values]
            if hasattr(data, "setlist"):
                data.setlist(key, cleaned)
            else:
                data[key] = cleaned[0]
        self.data = data


class ShownRevisionForm(CleanTextMixin, forms.Form):
    """The revision on an approver's screen (hidden fields of the approve form): an approval covers that one."""

    expected_revision = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)
    expected_hash = forms.RegexField(required=False, regex=r"^[0-9a-f]{64}$", widget=forms.HiddenInput)

    def has_shown_revision(self) -> bool:
        return self.cleaned_data["expected_revision"] is not None and bool(self.cleaned_data["expected_hash"])


def time_zone_choices(first: str) -> list:
    """Grouped choices: ``first`` (the company's zone), then the usual market zones, then every other zone."""

    def options(names):
        return [(name, name.replace("_", " ")) for name in names]

    market = [name for name in MARKET_ZONES if name != first]
    others = sorted(zoneinfo.available_timezones() - {first, *market})
    return [
        (gettext_lazy("The company's zone"), options([first])),
        (gettext_lazy("Market zones"), options(market)),
        (gettext_lazy("All zones"), options(others)),
    ]


class TimeZoneField(forms.ChoiceField):
    """An IANA zone picked from a list; the form sets ``choices`` with ``time_zone_choices``."""

    default_error_messages = {
        "invalid_choice": gettext_lazy("%(value)s is not a known time zone; choose one from the list."),
    }


def unique_slug(text: str, *, taken: Callable[[str], bool], max_length: int) -> str:
    """``slugify(text)``, with ``-2``, ``-3``... added until ``taken`` says the address is free."""
    base = slugify(text)[:max_length].strip("-_")
    slug, number = base, 2
    while taken(slug):
        suffix = f"-{number}"
        slug, number = f"{base[: max_length - len(suffix)].rstrip('-_')}{suffix}", number + 1
    return slug
