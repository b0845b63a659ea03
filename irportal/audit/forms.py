"""The audit explorer's filters: the same query parameters drive the page and both exports."""

import re
from datetime import UTC, date, datetime, time, timedelta

from django import forms
from django.core.validators import RegexValidator
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from irportal.audit import registry
from irportal.forms import CleanTextMixin

OBJECT_TYPE = RegexValidator(r"^[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*$", _("Use app.model, for example releases.release."))
_DATE_ONLY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
FILTER_FIELDS = ("actor", "action", "object_type", "object_id", "since", "until", "q")


def parse_utc(value: str, *, end_of_day: bool) -> datetime:
    """A date (``2026-03-01``) or date and time (``2026-03-01 14:30``, ``...T14:30:00Z``), read as UTC.

    A bare date means the whole day: its start for ``since``, the start of
    the next day (exclusive) for ``until``.
    """
    text = value.strip()
    if _DATE_ONLY.match(text):
        day = date.fromisoformat(text)
        if end_of_day:
            day += timedelta(days=1)
        return datetime.combine(day, time.min, tzinfo=UTC)
    parsed = datetime.fromisoformat(text.replace(" ", "T", 1))
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)


DATE_FORMAT_ERROR = _("Enter a date as YYYY-MM-DD or a date and time as YYYY-MM-DD HH:MM (UTC).")


class UTCDateTimeField(forms.Field):
    widget = forms.TextInput

    def __init__(self, *, end_of_day: bool, **kwargs):
        self.end_of_day = end_of_day
        kwargs.setdefault("required", False)
        kwargs.setdefault("help_text", _("UTC: YYYY-MM-DD or YYYY-MM-DD HH:MM"))
        super().__init__(**kwargs)

    def to_python(self, value):
        text = str(value or "").strip()
        if not text:
            return None
        if len(text) > 40:
            raise forms.ValidationError(DATE_FORMAT_ERROR)
        try:
            return parse_utc(text, end_of_day=self.end_of_day)
        except (ValueError, OverflowError):
            raise forms.ValidationError(DATE_FORMAT_ERROR, code="invalid") from None


def action_choices() -> list[tuple[str, str]]:
    families = [
        (f"{family}.*", format_lazy(_("All {family} actions"), family=family)) for family in registry.action_families()
    ]
    actions = [(name, f"{label} ({name})") for name, label in registry.registered_actions().items()]
    return [("", _("Any action")), (_("Families"), families), (_("Actions"), actions)]


class AuditFilterForm(CleanTextMixin, forms.Form):
    actor = forms.CharField(
        required=False, max_length=150, help_text=_("A username, or system or anonymous"), label=_("Who")
    )
    action = forms.ChoiceField(required=False, choices=(), label=_("Action"))
    object_type = forms.CharField(required=False, max_length=100, validators=[OBJECT_TYPE], label=_("Object type"))
    object_id = forms.CharField(required=False, max_length=64, label=_("Object id"))
    since = UTCDateTimeField(end_of_day=False, label=_("From (UTC)"))
    until = UTCDateTimeField(end_of_day=True, label=_("Until (UTC)"))
    q = forms.CharField(required=False, max_length=200, label=_("Text"), help_text=_("In names, labels and data"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["action"].choices = action_choices()

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("object_id") and not cleaned.get("object_type") and "object_type" not in self.errors:
            self.add_error("object_type", _("Give the object type too, for example releases.release."))
        since, until = cleaned.get("since"), cleaned.get("until")
        if since and until and since >= until:
            self.add_error("until", _("The end of the range must be after its start."))
        return cleaned

    def active_filters(self) -> dict[str, str]:
        """The filters in use, as the user typed them (for the audit record and the page)."""
        return {name: self.data[name] for name in FILTER_FIELDS if self.data.get(name)}


class CursorForm(forms.Form):
    """Keyset paging: ``before`` = show entries older than this sequence, ``after`` = newer."""

    before = forms.IntegerField(required=False, min_value=1, max_value=2**63 - 1)
    after = forms.IntegerField(required=False, min_value=1, max_value=2**63 - 1)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("before") and cleaned.get("after"):
            raise forms.ValidationError(_("Page with either before or after, not both."))
        return cleaned
