from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from company.files import IMAGES, check_upload
from company.forms import CompanyDateTimeField
from governance.models import Committee, Person
from irportal.forms import CleanTextMixin, DateField
from irportal.workflow.models import State
from releases.sanitize import clean_html
from reports.models import Document


class _EmbargoMixin(forms.Form):
    publish_at = CompanyDateTimeField(
        required=False,
        label=_("Embargo (publish at)"),
        help_text=_(
            "In the company's home time zone: the change is public from this second once approved. Leave empty to "
            "let the approver choose."
        ),
    )

    def _address_fixed_once_published(self):
        self.fields["slug"].required = False
        if self.instance.pk and self.instance.first_published_at:
            self.fields["slug"].disabled = True
            self.fields["slug"].help_text = gettext("Fixed once published: readers link to it.")

    def clean_slug(self):
        slug = self.cleaned_data["slug"]
        if slug and type(self.instance).objects.filter(slug=slug).exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError(gettext("Someone else already uses this address."))
        return slug


class PersonForm(CleanTextMixin, _EmbargoMixin, forms.ModelForm):
    class Media:
        css = {"all": ["vendor/jodit/jodit.min.css"]}
        js = ["vendor/jodit/jodit.min.js", "js/editor.js"]

    committees = forms.ModelMultipleChoiceField(
        queryset=Committee.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        label=_("Committee memberships"),
        help_text=_("Board members only."),
    )
    chairs = forms.ModelMultipleChoiceField(
        queryset=Committee.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        label=_("Chairs"),
        help_text=_("The committees this person chairs (each must be among the memberships)."),
    )
    photo = forms.FileField(
        required=False,
        label=_("Photo"),
        help_text=_("JPEG, PNG or WebP; re-encoded without its metadata, at most 400 pixels on its longest side."),
    )
    remove_photo = forms.BooleanField(required=False, label=_("Remove the photo"))

    class Meta:
        model = Person
        fields = [
            "name",
            "slug",
            "board_title",
            "management_title",
            "independent",
            "committees",
            "chairs",
            "service_start",
            "service_end",
            "biography",
            "order",
            "publish_at",
        ]
        field_classes = {"service_start": DateField, "service_end": DateField}
        labels = {
            "name": _("Name"),
            "slug": _("Slug"),
            "board_title": _("Board title"),
            "management_title": _("Management title"),
            "independent": _("Independent"),
            "service_start": _("Serving since"),
            "service_end": _("Last day of service"),
            "biography": _("Biography"),
            "order": _("Order"),
        }
        widgets = {"biography": forms.Textarea(attrs={"data-rich-text": "true", "rows": 10})}

    field_order = [*Meta.fields[:-2], "photo", "remove_photo", *Meta.fields[-2:]]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._address_fixed_once_published()
        committees = Committee.objects.exclude(status=State.WITHDRAWN).order_by("order", "name")
        self.fields["committees"].queryset = committees
        self.fields["chairs"].queryset = committees
        memberships = self.instance.memberships or []
        if memberships:
            self.initial["committees"] = [item["committee"] for item in memberships]
            self.initial["chairs"] = [item["committee"] for item in memberships if item["chair"]]
        if not self.instance.photo_id:
            del self.fields["remove_photo"]

    def clean_photo(self):
        upload = self.cleaned_data.get("photo")
        return check_upload(upload, accept=IMAGES) if upload else None

    def clean_biography(self):
        return clean_html(self.cleaned_data["biography"])

    def clean(self):
        cleaned = super().clean()
        committees, chairs = cleaned.get("committees") or [], cleaned.get("chairs") or []
        if not cleaned.get("board_title") and not cleaned.get("management_title"):
            self.add_error(
                "board_title", gettext("Give a board title, a management title or both: people are listed by them.")
            )
        if committees and not cleaned.get("board_title"):
            self.add_error(
                "committees", gettext("Only board members sit on the board's committees: give a board title.")
            )
        if set(chairs) - set(committees):
            self.add_error(
                "chairs", gettext("A chair is a member of the committee too: tick it among the memberships.")
            )
        start, end = cleaned.get("service_start"), cleaned.get("service_end")
        if start and end and end < start:
            self.add_error("service_end", gettext("The end of service comes before its start."))
        return cleaned

    def service_fields(self) -> dict:
        data = dict(self.cleaned_data)
        committees, chairs = data.pop("committees", []), set(data.pop("chairs", []))
        data["memberships"] = [{"committee": item.pk, "chair": item in chairs} for item in committees]
        for name in ("photo", "remove_photo"):
            data.pop(name, None)
        return data

    def photo_change(self):
        """For ``person_update``: the new photo, None to remove it, ``...`` to keep it."""
        if self.cleaned_data.get("photo"):
            return self.cleaned_data["photo"]
        return None if self.cleaned_data.get("remove_photo") else ...


class CommitteeForm(CleanTextMixin, _EmbargoMixin, forms.ModelForm):
    class Meta:
        model = Committee
        fields = ["name", "slug", "description", "charter", "order", "publish_at"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}
        labels = {
            "name": _("Name"),
            "slug": _("Slug"),
            "description": _("Description"),
            "charter": _("Charter"),
            "order": _("Order"),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._address_fixed_once_published()
        self.fields["charter"].queryset = Document.objects.filter(kind=Document.Kind.CHARTER).exclude(
            status=State.WITHDRAWN
        )

    def service_fields(self) -> dict:
        return dict(self.cleaned_data)
