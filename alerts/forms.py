from django import forms
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from irportal.workflow import languages


class SubscribeForm(forms.Form):
    """The sign-up: the address, the alerts wanted and, when the company discloses in several, their language."""

    email = forms.EmailField(
        label=_("Email address"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        error_messages={
            "invalid": _("Enter a complete email address, such as name@example.com."),
            "max_length": _("An email address has at most 254 characters."),
        },
    )
    news = forms.BooleanField(label=_("News releases"), required=False, initial=True)
    events = forms.BooleanField(label=_("Events and webcast replays"), required=False, initial=True)
    reports = forms.BooleanField(label=_("Financial results, reports and presentations"), required=False, initial=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        offered = languages.disclosure_languages()
        if len(offered) > 1:
            page = get_language()
            self.fields["language"] = forms.ChoiceField(
                label=_("Language of the alerts"),
                choices=[(code, languages.name(code)) for code in offered],
                initial=page if page in offered else offered[0],
                widget=forms.RadioSelect,
            )

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("news") and not cleaned.get("events") and not cleaned.get("reports"):
            raise forms.ValidationError(_("Choose news releases, events, financial reports, or more than one."))
        return cleaned

    def chosen_language(self) -> str:
        """The language chosen, or the one the company discloses in when there is no choice."""
        return self.cleaned_data.get("language") or languages.primary()


class ResendFailedForm(forms.Form):
    """Which failed alerts to send again: one item's (both fields) or all (neither)."""

    topic = forms.CharField(max_length=40, required=False)
    item_id = forms.IntegerField(min_value=1, required=False)

    def clean(self):
        cleaned = super().clean()
        if bool(cleaned.get("topic")) != (cleaned.get("item_id") is not None):
            raise forms.ValidationError(_("Name both the alert and the item, or neither."))
        return cleaned
