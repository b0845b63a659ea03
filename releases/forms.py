import copy

from django import forms
from django.forms.utils import pretty_name
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from company.files import IMAGES, PDF, check_upload
from company.forms import CompanyDateTimeField
from irportal.forms import CleanTextMixin, DateField
from irportal.workflow import languages
from releases.models import Boilerplate, BoilerplateVersion, MediaContact, Release
from releases.sanitize import clean_html


class BoilerplateChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, version):
        return _("%(name)s (version %(number)s)") % {"name": version.boilerplate.name, "number": version.number}


def _latest_versions(kind: str):
    latest_ids = [b.latest.pk for b in Boilerplate.objects.filter(kind=kind, is_active=True) if b.latest]
    return BoilerplateVersion.objects.filter(pk__in=latest_ids).select_related("boilerplate")


class RichTextField(forms.CharField):
    """Rich text from the editor, sanitized with the release allow-list (``releases.sanitize``) as it is cleaned."""

    def __init__(self, **kwargs):
        kwargs.setdefault("widget", forms.Textarea(attrs={"data-rich-text": "true", "rows": 16}))
        super().__init__(**kwargs)

    def clean(self, value):
        return clean_html(super().clean(value))


class LinesField(forms.CharField):
    """A list typed one entry a line: blank lines dropped, each entry trimmed."""

    def __init__(self, **kwargs):
        kwargs.setdefault("widget", forms.Textarea(attrs={"rows": 3}))
        super().__init__(**kwargs)

    def prepare_value(self, value):
        return "\n".join(value) if isinstance(value, list | tuple) else value

    def clean(self, value):
        return [line.strip() for line in super().clean(value).splitlines() if line.strip()]


class ReleaseForm(CleanTextMixin, forms.ModelForm):
    class Media:
        css = {"all": ["vendor/jodit/jodit.min.css"]}
        js = ["vendor/jodit/jodit.min.js", "js/editor.js"]

    highlights = LinesField(required=False, label=_("Highlights"), help_text=_("One bullet per line."))
    body = RichTextField(label=_("Body"), help_text=Release._meta.get_field("body").help_text)
    publish_at = CompanyDateTimeField(
        required=False,
        label=_("Embargo (publish at)"),
        help_text=_("In the company's home time zone. Leave empty to let the approver choose."),
    )
    contacts = forms.ModelMultipleChoiceField(
        queryset=MediaContact.objects.filter(is_active=True),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        label=_("Contacts"),
    )

    class Meta:
        model = Release
        fields = [
            "headline",
            "subheadline",
            "highlights",
            "slug",
            "dateline_city",
            "dateline_region",
            "release_date",
            "distribution",
            "website_only",
            "body",
            "about",
            "safe_harbor",
            "contacts",
            "publish_at",
        ]
        field_classes = {"release_date": DateField}
        labels = {
            "headline": _("Headline"),
            "subheadline": _("Subheadline"),
            "slug": _("Slug"),
            "dateline_city": _("Dateline city"),
            "dateline_region": _("Dateline region"),
            "release_date": _("Release date"),
            "distribution": _("Distribution"),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["about"] = BoilerplateChoiceField(
            queryset=_latest_versions(Boilerplate.Kind.ABOUT) | self._current("about"),
            required=False,
            label=_("About the company"),
        )
        self.fields["safe_harbor"] = BoilerplateChoiceField(
            queryset=_latest_versions(Boilerplate.Kind.SAFE_HARBOR) | self._current("safe_harbor"),
            required=False,
            label=_("Forward-looking statements"),
        )
        if self.instance.first_published_at:
            self.fields["slug"].disabled = True
            self.fields["slug"].help_text = _("Fixed once published: wires and search engines link to it.")

    def _current(self, name):
        version_id = getattr(self.instance, f"{name}_id", None)
        return BoilerplateVersion.objects.filter(pk=version_id)

    def clean_body(self):
        body = self.cleaned_data["body"]
        if not body:
            raise forms.ValidationError(_("The release needs a body."))
        return body

    def clean_slug(self):
        slug = self.cleaned_data["slug"]
        if Release.objects.filter(slug=slug).exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError(_("Another release already uses this address."))
        return slug

    def service_fields(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("contacts", None)
        return data


class ImageUploadForm(CleanTextMixin, forms.Form):
    image = forms.FileField(label=_("Image"), help_text=_("JPEG, PNG or WebP; checked and re-encoded on upload"))
    alt_text = forms.CharField(
        max_length=250, label=_("Alt text"), help_text=_("What the image shows, for people who cannot see it")
    )
    caption = forms.CharField(max_length=300, required=False, label=_("Caption"))

    def clean_image(self):
        return check_upload(self.cleaned_data["image"], accept=IMAGES)


class AttachmentUploadForm(CleanTextMixin, forms.Form):
    file = forms.FileField(
        label=_("File"),
        help_text=_(
            "PDF; checked on upload: no scripts or other active content, not encrypted, within the page and "
            "size limits."
        ),
    )
    title = forms.CharField(max_length=200, label=pgettext_lazy("of a document", "Title"))

    def clean_file(self):
        return check_upload(self.cleaned_data["file"], accept=PDF)


class LanguageFieldsMixin:
    """A copy of each of ``translated`` for every secondary disclosure language (``title_fr``), right after the
    field it translates; ``translations()`` gives what was typed as ``{"fr": {"title": ...}}``.

    Comes after ``CleanTextMixin`` among the bases, so that what is typed in each language is cleaned too.
    """

    translated: tuple[str, ...] = ()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.languages = languages.secondary()
        order = []
        for name in list(self.fields):
            order.append(name)
            if name in self.translated:
                order += [self._add_copy(name, language) for language in self.languages]
        self.order_fields(order)

    def _add_copy(self, name: str, language: str) -> str:
        field = copy.deepcopy(self.fields[name])
        field.label = gettext("%(field)s (%(language)s)") % {
            "field": field.label or pretty_name(name),
            "language": languages.name(language),
        }
        field.help_text = ""
        key = f"{name}_{language}"
        self.fields[key] = field
        return key

    def translations(self) -> dict:
        return {
            language: {name: self.cleaned_data[f"{name}_{language}"] for name in self.translated}
            for language in self.languages
        }

    @staticmethod
    def translated_initial(translations: dict, names) -> dict:
        """The form's initial values of the copies, from a saved ``translations``."""
        return {
            f"{name}_{language}": text.get(name, "")
            for language, text in (translations or {}).items()
            for name in names
        }


class MediaContactForm(CleanTextMixin, LanguageFieldsMixin, forms.ModelForm):
    translated = ("title",)

    class Meta:
        model = MediaContact
        fields = ["name", "title", "organization", "phone", "email", "audience", "order", "is_active"]
        labels = {
            "name": _("Name"),
            "title": pgettext_lazy("a person's position", "Title"),
            "organization": _("Organization"),
            "phone": _("Phone"),
            "email": _("Email"),
            "audience": _("Audience"),
            "order": _("Order"),
            "is_active": _("Is active"),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial.update(self.translated_initial(self.instance.translations, self.translated))

    def clean(self):
        data = super().clean()
        if data.get("title"):
            for language in self.languages:
                if not data.get(f"title_{language}"):
                    self.add_error(
                        f"title_{language}", gettext("Give the title in this language too: its pages show it.")
                    )
        return data

    def save(self, commit=True):
        # Only the languages that have a title, so that a contact without one keeps no empty translation.
        self.instance.translations = {language: text for language, text in self.translations().items() if text["title"]}
        return super().save(commit)


class BoilerplateForm(CleanTextMixin, LanguageFieldsMixin, forms.Form):
    translated = ("title", "text")

    name = forms.CharField(max_length=120, label=_("Name"))
    kind = forms.ChoiceField(choices=Boilerplate.Kind.choices, label=_("Kind"))
    title = forms.CharField(
        max_length=200,
        label=pgettext_lazy("of a document", "Title"),
        help_text=BoilerplateVersion._meta.get_field("title").help_text,
    )
    text = forms.CharField(widget=forms.Textarea(attrs={"data-rich-text": "true", "rows": 8}), label=_("Text"))
    is_default = forms.BooleanField(
        required=False,
        label=Boilerplate._meta.get_field("is_default").verbose_name,
        help_text=Boilerplate._meta.get_field("is_default").help_text,
    )

    def clean_text(self):
        text = clean_html(self.cleaned_data["text"])
        if not text:
            raise forms.ValidationError(_("The boilerplate needs some text."))
        return text

    def clean(self):
        data = super().clean()
        for language in self.languages:
            key = f"text_{language}"
            if key in data and not languages.filled(clean_html(data[key])):
                self.add_error(key, gettext("The boilerplate needs some text in this language too."))
        return data
