"""The newswire's staff forms: the company's wire settings, "send again" and the wire's confirmation."""

from datetime import datetime, timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from company.forms import CompanyDateTimeField
from irportal.forms import CleanTextMixin
from wire.models import Transmission, WireSettings
from wire.services import CONFIRMABLE


class WireSettingsForm(CleanTextMixin, forms.ModelForm):
    lead_minutes = forms.IntegerField(
        min_value=1,
        max_value=240,
        label=WireSettings._meta.get_field("lead_minutes").verbose_name,
        help_text=WireSettings._meta.get_field("lead_minutes").help_text,
    )

    class Meta:
        model = WireSettings
        fields = ["account", "policy", "lead_minutes"]
        labels = {"account": _("Account"), "policy": _("Policy")}
        widgets = {"policy": forms.RadioSelect}


class CrossedAtField(CompanyDateTimeField):
    """When the wire says the release crossed, typed in company time to the second: a record of what happened,
    unlike the times staff schedule, which fall on whole minutes."""

    widget = forms.DateTimeInput(attrs={"type": "datetime-local", "step": "1"}, format="%Y-%m-%dT%H:%M:%S")

    def to_python(self, value):
        moment = super().to_python(value)  # checked, in company time, to the minute
        if moment is None or isinstance(value, datetime):
            return moment
        return moment.replace(second=datetime.fromisoformat(str(value).strip()).second)


class TransmissionChoiceForm(forms.Form):
    """One of the release's transmissions, by id, among those the operation applies to."""

    statuses: frozenset = frozenset()
    transmission = forms.ModelChoiceField(queryset=Transmission.objects.none(), widget=forms.HiddenInput)

    def __init__(self, *args, release=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["transmission"].queryset = Transmission.objects.filter(release=release, status__in=self.statuses)


class SendAgainForm(TransmissionChoiceForm):
    statuses = frozenset({Transmission.Status.FAILED})


class ConfirmationForm(CleanTextMixin, TransmissionChoiceForm):
    statuses = frozenset(CONFIRMABLE)
    transmission = forms.ModelChoiceField(
        queryset=Transmission.objects.none(), label=_("Transmission"), empty_label=None
    )
    crossed_at = CrossedAtField(
        label=_("Crossed the wire at (company time)"), help_text=_("As the wire's confirmation says it, to the second.")
    )
    wire_id = forms.CharField(max_length=120, required=False, label=_("The wire's id of the release"))

    def clean_crossed_at(self):
        crossed_at = self.cleaned_data["crossed_at"]
        if crossed_at > timezone.now() + timedelta(minutes=1):
            raise forms.ValidationError(_("The time it crossed the wire cannot be in the future."))
        return crossed_at

    def __init__(self, *args, release=None, **kwargs):
        super().__init__(*args, release=release, **kwargs)
        self.fields["transmission"].label_from_instance = lambda transmission: (
            gettext("%(kind)s, revision %(number)s (%(state)s)")
            % {
                "kind": transmission.get_kind_display(),
                "number": transmission.revision_number,
                "state": transmission.get_status_display().lower(),
            }
        )
