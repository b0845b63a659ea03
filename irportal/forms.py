"""Form fields shared by the staff console: wall-clock times, the zones they are meant in, addresses."""

import zoneinfo
from collections.abc import Callable
from datetime import UTC, datetime

from django import forms
from django.core.exceptions import ValidationError
from django.utils.text import slugify

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


class LocalDateTimeField(forms.DateTimeField):
    """A wall-clock time with no zone: the form, or a subclass, says which zone it is meant in."""

    widget = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, datetime):
            return value.replace(tzinfo=None)
        try:
            parsed = datetime.fromisoformat(str(value).strip())
        except ValueError:
            raise ValidationError("Enter a date and time, e.g. 2026-12-08 09:00.", code="invalid") from None
        if parsed.tzinfo is not None:
            raise ValidationError("Enter the local time without a zone; the zone is its own field.", code="invalid")
        return parsed


def aware(local: datetime | None, zone_name: str) -> datetime | None:
    """Attach the zone to a wall-clock time; ValidationError if the clocks skip that time."""
    if local is None:
        return None
    zone = zoneinfo.ZoneInfo(zone_name)
    value = local.replace(tzinfo=zone)
    if value.astimezone(UTC).astimezone(zone).replace(tzinfo=None) != local:
        raise ValidationError(f"{local:%Y-%m-%d %H:%M} does not exist in {zone_name}: the clocks skip that hour.")
    return value


def local(value: datetime | None, zone_name: str) -> datetime | None:
    return value.astimezone(zoneinfo.ZoneInfo(zone_name)).replace(tzinfo=None) if value else None


def time_zone_choices(first: str) -> list:
    """Grouped choices: ``first`` (the company's zone), then the usual market zones, then every other zone."""

    def options(names):
        return [(name, name.replace("_", " ")) for name in names]

    market = [name for name in MARKET_ZONES if name != first]
    others = sorted(zoneinfo.available_timezones() - {first, *market})
    return [("The company's zone", options([first])), ("Market zones", options(market)), ("All zones", options(others))]


class TimeZoneField(forms.ChoiceField):
    """An IANA zone picked from a list; the form sets ``choices`` with ``time_zone_choices``."""

    default_error_messages = {
        "invalid_choice": "%(value)s is not a known time zone; choose one from the list.",
    }


def unique_slug(text: str, *, taken: Callable[[str], bool], max_length: int) -> str:
    """``slugify(text)``, with ``-2``, ``-3``... added until ``taken`` says the address is free."""
    base = slugify(text)[:max_length].strip("-_")
    slug, number = base, 2
    while taken(slug):
        suffix = f"-{number}"
        slug, number = f"{base[: max_length - len(suffix)].rstrip('-_')}{suffix}", number + 1
    return slug
