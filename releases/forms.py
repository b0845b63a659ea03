from django import forms

from company.files import IMAGES, PDF, check_upload
from company.forms import CompanyDateTimeField
from irportal.forms import CleanTextMixin, DateField
from releases.models import Boilerplate, BoilerplateVersion, MediaContact, Release
from releases.sanitize import clean_html


class BoilerplateChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, version):
        return f"{version.boilerplate.name} (version {version.number})"


def _latest_versions(kind: str):
    latest_ids = [b.latest.pk for b in Boilerplate.objects.filter(kind=kind, is_active=True) if b.latest]
    return BoilerplateVersion.objects.filter(pk__in=latest_ids).select_related("boilerplate")


class ReleaseForm(CleanTextMixin, forms.ModelForm):
    class Media:
        css = {"all": ["vendor/jodit/jodit.min.css"]}
        js = ["vendor/jodit/jodit.min.js", "js/editor.js"]

    highlights = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="One bullet per line.",
    )
    publish_at = CompanyDateTimeField(
        required=False,
        label="Embargo (publish at)",
        help_text="In the company's home time zone. Leave empty to let the approver choose.",
    )
    contacts = forms.ModelMultipleChoiceField(
        queryset=MediaContact.objects.filter(is_active=True),
        widget=forms.CheckboxSelectMultiple,
        required=False,
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
        widgets = {
            "body": forms.Textarea(attrs={"data-rich-text": "true", "rows": 16}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["about"] = BoilerplateChoiceField(
            queryset=_latest_versions(Boilerplate.Kind.ABOUT) | self._current("about"),
            required=False,
            label="About the company",
        )
        self.fields["safe_harbor"] = BoilerplateChoiceField(
            queryset=_latest_versions(Boilerplate.Kind.SAFE_HARBOR) | self._current("safe_harbor"),
            required=False,
            label="Forward-looking statements",
        )
        if self.instance.pk:
            self.initial["highlights"] = "\n".join(self.instance.highlights or [])
            if self.instance.first_published_at:
                self.fields["slug"].disabled = True
                self.fields["slug"].help_text = "Fixed once published: wires and search engines link to it."

    def _current(self, name):
        version_id = getattr(self.instance, f"{name}_id", None)
        return BoilerplateVersion.objects.filter(pk=version_id)

    def clean_highlights(self):
        return [line.strip() for line in self.cleaned_data["highlights"].splitlines() if line.strip()]

    def clean_body(self):
        body = clean_html(self.cleaned_data["body"])
        if not body:
            raise forms.ValidationError("The release needs a body.")
        return body

    def clean_slug(self):
        slug = self.cleaned_data["slug"]
        if Release.objects.filter(slug=slug).exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError("Another release already uses this address.")
        return slug

    def service_fields(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("contacts", None)
        return data


class ImageUploadForm(CleanTextMixin, forms.Form):
    image = forms.FileField(help_text="JPEG, PNG or WebP; checked and re-encoded on upload")
    alt_text = forms.CharField(max_length=250, help_text="What the image shows, for people who cannot see it")
    caption = forms.CharField(max_length=300, required=False)

    def clean_image(self):
        return check_upload(self.cleaned_data["image"], accept=IMAGES)


class AttachmentUploadForm(CleanTextMixin, forms.Form):
    file = forms.FileField(
        help_text="PDF; checked on upload: no scripts or other active content, not encrypted, within the page and "
        "size limits."
    )
    title = forms.CharField(max_length=200)

    def clean_file(self):
        return check_upload(self.cleaned_data["file"], accept=PDF)


class MediaContactForm(CleanTextMixin, forms.ModelForm):
    class Meta:
        model = MediaContact
        fields = ["name", "title", "organization", "phone", "email", "audience", "order", "is_active"]


class BoilerplateForm(CleanTextMixin, forms.Form):
    name = forms.CharField(max_length=120)
    kind = forms.ChoiceField(choices=Boilerplate.Kind.choices)
    title = forms.CharField(max_length=200, help_text='The heading, e.g. "About Example Corp"')
    text = forms.CharField(widget=forms.Textarea(attrs={"data-rich-text": "true", "rows": 8}))
    is_default = forms.BooleanField(
        required=False,
        label="Default of its kind",
        help_text=Boilerplate._meta.get_field("is_default").help_text,
    )

    def clean_text(self):
        text = clean_html(self.cleaned_data["text"])
        if not text:
            raise forms.ValidationError("The boilerplate needs some text.")
        return text
