import datetime

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import get_language_info
from django.utils.translation import gettext_lazy as _

from company.files import IMAGES, check_upload
from company.models import DEFAULT_ACCENT_COLOUR, CompanyProfile
from company.services import PROFILE_FIELDS
from irportal.forms import CleanTextMixin, LocalDateTimeField, TimeZoneField, aware, local, time_zone_choices

SECONDARY_LANGUAGES = [code for code, name in settings.LANGUAGES if code != settings.LANGUAGE_CODE]


class CompanyProfileForm(CleanTextMixin, forms.ModelForm):
    website = forms.CharField(
        label=_("Website"),
        required=False,
        max_length=200,
        help_text=CompanyProfile._meta.get_field("website").help_text,
    )
    accent_colour = forms.CharField(
        label=_("Accent colour"),
        required=False,
        max_length=7,
        widget=forms.TextInput(attrs={"type": "color"}),
        help_text=CompanyProfile._meta.get_field("accent_colour").help_text,
    )
    logo_upload = forms.FileField(
        label=_("Logo"),
        required=False,
        help_text=_("JPEG, PNG or WebP; re-encoded without metadata and scaled to at most 400 pixels."),
    )
    remove_logo = forms.BooleanField(label=_("Remove the logo"), required=False)
    disclosure_languages = forms.MultipleChoiceField(
        label=_("Also disclose in"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        choices=[(code, name) for code, name in settings.LANGUAGES if code in SECONDARY_LANGUAGES],
        help_text=format_lazy(
            _(
                "{primary} is the primary language: every disclosure is written in it, and in each language ticked "
                "here; all are approved and made public together."
            ),
            primary=get_language_info(settings.LANGUAGE_CODE)["name_translated"],
        ),
    )
    home_time_zone = TimeZoneField(
        label=_("Home time zone"), help_text=CompanyProfile._meta.get_field("home_time_zone").help_text
    )

    class Meta:
        model = CompanyProfile
        fields = PROFILE_FIELDS
        # The fields whose model field has no verbose name of its own (one there would be a migration).
        labels = {
            "legal_name": _("Legal name"),
            "short_name": _("Short name"),
            "exchange": _("Exchange"),
            "ticker": _("Ticker"),
            "newswire": _("Newswire"),
            "default_replay_days": _("Default replay days"),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["home_time_zone"].choices = time_zone_choices(self.instance.home_time_zone or "America/New_York")
        # Each text a release writes in its own language, once for each other language, after the primary's.
        order = []
        for name in list(self.fields):
            order.append(name)
            if name in CompanyProfile.TRANSLATABLE:
                for language in SECONDARY_LANGUAGES:
                    order.append(self._add_translation(name, language))
        self.order_fields(order)
        self.take_out_control_characters()

    def _add_translation(self, name: str, language: str) -> str:
        model_field = CompanyProfile._meta.get_field(name)
        key = f"{name}_{language}"
        self.fields[key] = forms.CharField(
            label=CompanyProfile.translated_label(name, language),
            required=False,
            max_length=model_field.max_length,
            initial=self.instance.in_language(name, language),
        )
        return key

    def clean(self):
        """The texts in the other languages, gathered as the profile keeps them (``CompanyProfile.translations``)."""
        cleaned = super().clean()
        translations = {}
        for language in SECONDARY_LANGUAGES:
            texts = {name: cleaned.pop(f"{name}_{language}", "").strip() for name in CompanyProfile.TRANSLATABLE}
            if any(texts.values()):
                translations[language] = {name: text for name, text in texts.items() if text}
        cleaned["translations"] = translations
        return cleaned

    def clean_disclosure_languages(self):
        """The primary language first, always; then the ticked ones in the site's order."""
        ticked = set(self.cleaned_data.get("disclosure_languages") or ())
        return [settings.LANGUAGE_CODE, *(code for code, name in settings.LANGUAGES if code in ticked)]

    def clean_accent_colour(self):
        return self.cleaned_data.get("accent_colour") or DEFAULT_ACCENT_COLOUR

    def clean_logo_upload(self):
        upload = self.cleaned_data.get("logo_upload")
        return check_upload(upload, accept=IMAGES).image if upload else None


class CompanyDateTimeField(LocalDateTimeField):
    """A date and time typed in the company's home time zone."""

    def to_python(self, value):
        if isinstance(value, datetime.datetime) and timezone.is_aware(value):
            return value
        return aware(super().to_python(value), CompanyProfile.load().home_time_zone)

    def prepare_value(self, value):
        if isinstance(value, datetime.datetime) and timezone.is_aware(value):
            return local(value, CompanyProfile.load().home_time_zone)
        return value
