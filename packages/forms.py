from django import forms
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from company.fiscal import period_label
from events.models import Event
from irportal.forms import CleanTextMixin
from irportal.workflow.models import State
from packages.models import MemberKind, Package, PackageMember
from releases.models import Release
from reports.forms import EventChoiceField, ReleaseChoiceField
from reports.models import Document


class DocumentChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, document):
        period = period_label(document.fiscal_year, document.fiscal_quarter)
        return f"{period} {document.title} ({document.get_kind_display()}, {document.get_status_display().lower()})"


def _candidates(model, kind: str, package: Package | None):
    """Items that may join the package: never public, not withdrawn, in no other package."""
    elsewhere = PackageMember.objects.filter(kind=kind)
    if package is not None:
        elsewhere = elsewhere.exclude(package=package)
    return (
        model.objects.filter(first_published_at__isnull=True, live_revision__isnull=True)
        .exclude(status=State.WITHDRAWN)
        .exclude(pk__in=elsewhere.values("object_id"))
    )


class EventsChoiceField(forms.ModelMultipleChoiceField):
    label_from_instance = EventChoiceField.label_from_instance


class PackageForm(CleanTextMixin, forms.Form):
    title = forms.CharField(
        max_length=200,
        label=pgettext_lazy("of a package", "Title"),
        help_text=_("For the team, e.g. “Q3 2026 results”; not shown to the public."),
    )
    release = ReleaseChoiceField(
        queryset=Release.objects.none(),
        required=False,
        label=_("Release"),
        help_text=_("The release that announces it."),
    )
    documents = DocumentChoiceField(
        queryset=Document.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label=_("Documents"),
        help_text=_("The results PDF, financial tables, slide deck… Only documents not yet public are offered."),
    )
    events = EventsChoiceField(
        queryset=Event.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label=_("Events"),
        help_text=_("The webcast that goes public with the release."),
    )
    note = forms.CharField(
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        label=_("Note"),
    )

    def __init__(self, data=None, files=None, *, package: Package | None = None, initial=None):
        if package is not None and initial is None:
            rows = list(package.members.all())
            initial = {
                "title": package.title,
                "note": package.note,
                "release": next((row.object_id for row in rows if row.kind == MemberKind.RELEASE), None),
                "documents": [row.object_id for row in rows if row.kind == MemberKind.DOCUMENT],
                "events": [row.object_id for row in rows if row.kind == MemberKind.EVENT],
            }
        super().__init__(data, files, initial=initial)
        self.fields["release"].queryset = _candidates(Release, MemberKind.RELEASE, package).order_by("-release_date")
        self.fields["documents"].queryset = _candidates(Document, MemberKind.DOCUMENT, package).order_by("title")
        self.fields["events"].queryset = _candidates(Event, MemberKind.EVENT, package).order_by("starts_at")

    def clean(self):
        cleaned = super().clean()
        if not (cleaned.get("release") or cleaned.get("documents") or cleaned.get("events")):
            raise forms.ValidationError(
                gettext("Choose the items that go out together: a release, documents or events.")
            )
        return cleaned

    def service_fields(self) -> dict:
        data = self.cleaned_data
        members = [(MemberKind.RELEASE, data["release"].pk)] if data.get("release") else []
        members += [(MemberKind.DOCUMENT, document.pk) for document in data["documents"]]
        members += [(MemberKind.EVENT, event.pk) for event in data["events"]]
        return {"title": data["title"], "note": data["note"], "members": members}
