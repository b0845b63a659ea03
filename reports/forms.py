from django import forms
from django.core.validators import URLValidator
from django.utils import timezone
from django.utils.dates import MONTHS
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from company.files import DATA_FILES, PDF, check_upload
from company.forms import CompanyDateTimeField
from company.models import CompanyProfile
from events.models import Event
from irportal.forms import CleanTextMixin, DateField
from irportal.workflow import languages
from irportal.workflow.models import State
from releases.models import Release
from reports.models import GOVERNANCE_KINDS, Document, DocumentFile

MAX_FILINGS = 12
WHOLE_YEAR = ""
QUARTERS = [
    (WHOLE_YEAR, _("The whole fiscal year")),
    ("1", pgettext_lazy("a fiscal quarter", "Q1")),
    ("2", pgettext_lazy("a fiscal quarter", "Q2")),
    ("3", pgettext_lazy("a fiscal quarter", "Q3")),
    ("4", pgettext_lazy("a fiscal quarter", "Q4")),
]
# Kinds about one quarter, and kinds about a whole fiscal year.
NEEDS_QUARTER = {Document.Kind.QUARTERLY_RESULTS}
WHOLE_YEAR_ONLY = {Document.Kind.ANNUAL_REPORT, Document.Kind.PROXY_STATEMENT, *GOVERNANCE_KINDS}
# What a kind about a whole fiscal year says to a quarter chosen for it.
WHOLE_YEAR_MESSAGES = {
    Document.Kind.ANNUAL_REPORT: _("An annual report covers the whole fiscal year: choose that."),
    Document.Kind.PROXY_STATEMENT: _("A proxy statement covers the whole fiscal year: choose that."),
    Document.Kind.CHARTER: _("A committee charter covers the whole fiscal year: choose that."),
    Document.Kind.CODE_OF_CONDUCT: _("A code of conduct covers the whole fiscal year: choose that."),
    Document.Kind.BYLAWS: _("Articles and bylaws cover the whole fiscal year: choose that."),
    Document.Kind.POLICY: _("A governance policy covers the whole fiscal year: choose that."),
}


class ReleaseChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, release):
        return f"{release.headline} ({release.release_date:%Y-%m-%d}, {release.get_status_display().lower()})"


class EventChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, event):
        when = f"{timezone.localtime(event.starts_at):%Y-%m-%d}" if event.starts_at else gettext("date to be set")
        return f"{event.title} ({when}, {event.get_status_display().lower()})"


def parse_filings(text: str) -> list[dict]:
    """``Label | https://...`` one per line, into ``[{"label", "url"}]``; ValidationError naming the bad line."""
    filings = []
    check_url = URLValidator(schemes=["http", "https"])
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        label, separator, url = line.rpartition("|")
        label, url = label.strip(), url.strip()
        if not separator or not label or not url:
            raise forms.ValidationError(
                gettext("Line %(number)s: write the name, a bar, then the link: “Form 10-Q | https://…”.")
                % {"number": number}
            )
        try:
            check_url(url)
        except forms.ValidationError:
            raise forms.ValidationError(
                gettext("Line %(number)s: “%(url)s” is not an http:// or https:// address.")
                % {"number": number, "url": url}
            ) from None
        filings.append({"label": label[:120], "url": url[:500]})
    if len(filings) > MAX_FILINGS:
        raise forms.ValidationError(gettext("At most %(max)s filings per document.") % {"max": MAX_FILINGS})
    return filings


class DocumentForm(CleanTextMixin, forms.ModelForm):
    fiscal_quarter = forms.TypedChoiceField(
        choices=QUARTERS,
        coerce=int,
        empty_value=None,
        required=False,
        label=_("Fiscal quarter"),
        help_text=_("Quarterly results need their quarter; annual reports and proxy statements cover the whole year."),
    )
    filings = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        label=_("Filings"),
        help_text=_(
            "One per line: the name, a bar, the link on the regulator's site, e.g. “Form 10-Q | https://www.sec.gov/…”."
        ),
    )
    main_file = forms.FileField(
        label=_("Main document (PDF)"),
        help_text=_(
            "Checked on upload: no scripts or other active content, not encrypted, within the page and size limits. "
            "The first page becomes the thumbnail."
        ),
    )
    publish_at = CompanyDateTimeField(
        required=False,
        label=_("Embargo (publish at)"),
        help_text=_("In the company's home time zone. Leave empty to let the approver choose."),
    )

    class Meta:
        model = Document
        fields = [
            "kind",
            "title",
            "fiscal_year",
            "fiscal_quarter",
            "document_date",
            "slug",
            "summary",
            "main_file",
            "release",
            "event",
            "filings",
            "publish_at",
        ]
        field_classes = {"document_date": DateField}
        labels = {
            "kind": _("Kind"),
            "title": pgettext_lazy("of a document", "Title"),
            "fiscal_year": _("Fiscal year"),
            "document_date": _("Document date"),
            "slug": _("Slug"),
            "summary": _("Summary"),
        }
        widgets = {
            "summary": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["slug"].required = False
        self.fields["release"] = ReleaseChoiceField(
            queryset=Release.objects.exclude(status=State.WITHDRAWN).order_by("-release_date", "-pk"),
            required=False,
            label=_("Results release"),
        )
        self.fields["event"] = EventChoiceField(
            queryset=Event.objects.exclude(status=State.WITHDRAWN).order_by("-starts_at", "-pk"),
            required=False,
            label=_("Results event"),
            help_text=_("Its webcast and replay are shown with the document, and the document on its page."),
        )
        self.fiscal_year_end = year_end = CompanyProfile.load().fiscal_year_end
        self.fields["fiscal_year"].required = False
        self.fields["fiscal_year"].help_text = gettext(
            "Named after the calendar year it ends in; the company's fiscal year ends %(month)s %(day)s (company "
            "profile). Governance documents (charters, code of conduct, bylaws, policies) take the fiscal year of "
            "their date."
        ) % {"month": MONTHS[year_end.month], "day": year_end.day}
        self._add_language_files()
        if self.instance.pk:
            self.fields["main_file"].required = False
            self.fields["main_file"].label = gettext("Replace the main document (PDF)")
            self.initial["filings"] = "\n".join(f"{f['label']} | {f['url']}" for f in self.instance.filings or [])
            self.initial["fiscal_quarter"] = (
                "" if self.instance.fiscal_quarter is None else self.instance.fiscal_quarter
            )
            if self.instance.first_published_at:
                self.fields["slug"].disabled = True
                self.fields["slug"].help_text = gettext("Fixed once published: search engines and readers link to it.")

    def _add_language_files(self) -> None:
        """For each secondary disclosure language, the main PDF written in it (optional: without one, the pages in
        that language offer the main PDF) and, when the document has one, the choice to take it out."""
        self.languages = languages.secondary()
        has_own = set()
        if self.instance.pk:
            has_own = set(
                self.instance.files.filter(
                    role=DocumentFile.Role.MAIN, language__in=self.languages, removed=False
                ).values_list("language", flat=True)
            )
        for language in self.languages:
            name = languages.name_in_use(language)
            self.fields[f"main_file_{language}"] = forms.FileField(
                required=False,
                label=gettext("Main document in %(language)s (PDF)") % {"language": name},
                help_text=gettext(
                    "Optional: offered instead of the main document on the pages in this language; without it they "
                    "offer the main document. Checked on upload as the main document is."
                ),
            )
            if language in has_own:
                self.fields[f"remove_main_file_{language}"] = forms.BooleanField(
                    required=False,
                    label=gettext("Take out the main document in %(language)s") % {"language": name},
                )

    def language_files(self) -> dict:
        """The main PDF uploaded for each secondary language, checked."""
        uploaded = {language: self.cleaned_data.get(f"main_file_{language}") for language in self.languages}
        return {language: upload for language, upload in uploaded.items() if upload is not None}

    def removed_languages(self) -> list[str]:
        return [language for language in self.languages if self.cleaned_data.get(f"remove_main_file_{language}")]

    @classmethod
    def initial_for_new(cls) -> dict:
        """The quarter a company reports next: the latest that has ended."""
        fiscal_year, quarter = CompanyProfile.load().fiscal_year_end.last_completed_quarter(timezone.localdate())
        return {"fiscal_year": fiscal_year, "fiscal_quarter": quarter, "document_date": timezone.localdate()}

    def clean_main_file(self):
        upload = self.cleaned_data.get("main_file")
        return check_upload(upload, accept=PDF) if upload else None

    def _clean_language_files(self) -> None:
        for language in self.languages:
            name = f"main_file_{language}"
            upload = self.cleaned_data.get(name)
            if upload:
                try:
                    self.cleaned_data[name] = check_upload(upload, accept=PDF)
                except forms.ValidationError as refused:
                    self.add_error(name, refused)

    def clean_filings(self):
        return parse_filings(self.cleaned_data["filings"])

    def clean_slug(self):
        slug = self.cleaned_data["slug"]
        if slug and Document.objects.filter(slug=slug).exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError(gettext("Another document already uses this address."))
        return slug

    def clean(self):
        cleaned = super().clean()
        self._clean_language_files()
        kind, quarter = cleaned.get("kind"), cleaned.get("fiscal_quarter")
        if kind in NEEDS_QUARTER and quarter is None:
            self.add_error("fiscal_quarter", gettext("Quarterly results are about one quarter: choose it."))
        if kind in GOVERNANCE_KINDS and cleaned.get("document_date"):
            # A charter or a code of conduct has no fiscal period: it is filed under the fiscal year of its date.
            cleaned["fiscal_year"] = self.fiscal_year_end.period_of(cleaned["document_date"])[0]
        elif kind and cleaned.get("fiscal_year") is None and "fiscal_year" not in self.errors:
            self.add_error("fiscal_year", gettext("Give the fiscal year the document is about."))
        if kind in WHOLE_YEAR_ONLY and quarter is not None:
            self.add_error("fiscal_quarter", WHOLE_YEAR_MESSAGES[kind])
        return cleaned

    def service_fields(self) -> dict:
        files = {"main_file"}
        for language in self.languages:
            files |= {f"main_file_{language}", f"remove_main_file_{language}"}
        return {name: value for name, value in self.cleaned_data.items() if name not in files}


class SupplementaryFileForm(CleanTextMixin, forms.Form):
    file = forms.FileField(
        label=_("File"), help_text=_("PDF, Excel (.xlsx) or CSV, e.g. the financial tables or a data supplement.")
    )
    label = forms.CharField(
        max_length=200,
        label=pgettext_lazy("of a file", "Label"),
        help_text=_("What it is, e.g. “Financial tables (Excel)”"),
    )

    def clean_file(self):
        return check_upload(self.cleaned_data["file"], accept=DATA_FILES)


class FileRemoveForm(forms.Form):
    file_id = forms.IntegerField(min_value=1, widget=forms.HiddenInput)
