"""The console's own forms: list filters, the workflow actions and comments; each kind brings its content form."""

import copy

import django_filters
from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from company.forms import CompanyDateTimeField
from irportal.forms import CleanTextMixin, ShownRevisionForm
from irportal.workflow import languages
from irportal.workflow.models import State


class ItemFilter(django_filters.FilterSet):
    """Search, state, author, date of the last change and sort: the same for every kind."""

    q = django_filters.CharFilter(method="search", label=_("Search"))
    status = django_filters.ChoiceFilter(choices=State.choices, empty_label=_("Any state"), label=_("State"))
    author = django_filters.ModelChoiceFilter(
        field_name="created_by",
        queryset=get_user_model().objects.none(),
        empty_label=_("Any author"),
        label=_("Author"),
    )
    changed_from = django_filters.DateFilter(
        field_name="updated_at",
        lookup_expr="date__gte",
        label=_("Changed on or after"),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    changed_to = django_filters.DateFilter(
        field_name="updated_at",
        lookup_expr="date__lte",
        label=_("Changed on or before"),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    ordering = django_filters.OrderingFilter(
        fields=(("updated_at", "changed"), ("publish_at", "embargo"), ("created_at", "created")),
        # Each order once, in words; no choice repeats the default (the last change, newest first).
        choices=[
            ("changed", _("Last change, oldest first")),
            ("embargo", _("Embargo, soonest first")),
            ("-embargo", _("Embargo, latest first")),
            ("-created", _("Created, newest first")),
            ("created", _("Created, oldest first")),
        ],
        label=_("Sort by"),
        empty_label=_("Last change, newest first"),
    )

    def __init__(self, data=None, *args, kind, **kwargs):
        self.kind = kind
        super().__init__(data, *args, queryset=kind.model.objects.all(), **kwargs)
        self.filters["author"].queryset = (
            get_user_model().objects.filter(pk__in=kind.model.objects.values("created_by")).order_by("username")
        )
        self.filters["author"].field.label_from_instance = lambda user: user.get_full_name() or user.get_username()

    def search(self, queryset, name, value):
        words = value.split()[:8]
        condition = Q()
        for word in words:
            match = Q()
            for field in self.kind.search_fields:
                match |= Q(**{f"{field}__icontains": word})
            condition &= match
        return queryset.filter(condition)

    @property
    def qs(self):
        items = super().qs
        chosen = self.is_bound and self.form.is_valid() and self.form.cleaned_data.get("ordering")
        return items if chosen else items.order_by("-updated_at", "-pk")


class TransitionForm(ShownRevisionForm):
    """What a workflow action may carry: a comment, an embargo, a reason, the acknowledged warnings, and (to
    approve) the revision the approver was shown."""

    comment = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False, max_length=5000)
    publish_at = CompanyDateTimeField(required=False, label=_("Publish at (embargo)"))
    reason = forms.CharField(required=False, max_length=2000)
    acknowledge = forms.Field(required=False, widget=forms.MultipleHiddenInput)

    def clean_acknowledge(self):
        """The codes of the warnings the approver ticked; the engine decides whether they cover the warnings."""
        return {str(code)[:40] for code in self.cleaned_data["acknowledge"] or []}


class CommentForm(CleanTextMixin, forms.Form):
    body = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), label=_("Comment"), max_length=5000)


class TranslationForm(CleanTextMixin, forms.Form):
    """One secondary language's text of a kind's translatable fields, beside the kind's form.

    Each field is the kind's own (its type, widget and cleaning: rich text sanitized as the primary's is, a
    list typed one entry a line), and optional: approval names what is still missing.
    """

    def __init__(self, data=None, *, content_form, spec, language: str, initial=None):
        super().__init__(data, prefix=language, initial=initial)
        self.language = language
        self.name = languages.name(language)
        for name in spec.translatable:
            field = copy.deepcopy(content_form.fields[name])
            field.required = False
            field.widget.attrs["lang"] = language
            self.fields[name] = field
        self.take_out_control_characters()


def translation_forms(kind, content_form, data=None, *, item=None) -> list[TranslationForm]:
    """The forms of the company's secondary languages for ``kind``'s ``content_form`` (none for a kind with no
    translatable fields, or a company that discloses in one language)."""
    if not kind.workflow.translatable:
        return []
    stored = item.translations if item is not None else {}
    return [
        TranslationForm(
            data, content_form=content_form, spec=kind.workflow, language=language, initial=stored.get(language)
        )
        for language in languages.secondary()
    ]
