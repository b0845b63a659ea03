"""Form fields shared by the staff console: wall-clock times and the zones they are meant in."""

import zoneinfo
from datetime import UTC, datetime

from django import forms
from django.core.exceptions import ValidationError


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


class ShownRevisionForm(forms.Form):
    """The revision on an approver's screen (hidden fields of the approve form): an approval covers that one."""

    expected_revision = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)
    expected_hash = forms.RegexField(required=False, regex=r"^[0-9a-f]{64}$", widget=forms.HiddenInput)

    def has_shown_revision(self) -> bool:
        return self.cleaned_data["expected_revision"] is not None and bool(self.cleaned_data["expected_hash"])
