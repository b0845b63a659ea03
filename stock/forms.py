from django import forms
from django.utils.translation import gettext_lazy as _

from company.files import CSV, check_upload
from company.forms import CompanyDateTimeField
from irportal.forms import CleanTextMixin
from stock.models import AnalystCoverage, Dividend, StockSplit

MAX_UPLOAD_BYTES = 5 * 1024 * 1024
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class PricesUploadForm(forms.Form):
    file = forms.FileField(
        label=_("CSV file"),
        help_text=_(
            "A header row naming date, open, high, low, close and volume, then one row a day (dates as YYYY-MM-DD). "
            "Days already stored are replaced; nothing is stored when any row is wrong."
        ),
    )

    def clean_file(self):
        """The site's one upload check (name, size, type, UTF-8, no DDE formula, malware scan), then this page's
        size: ten years of daily prices take about 500 KB."""
        checked = check_upload(self.cleaned_data["file"], accept=CSV)
        if checked.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(_("The file is larger than 5 MB; ten years of daily prices take about 500 KB."))
        return checked


class PublicFromForm(CleanTextMixin, forms.ModelForm):
    """A dividend or split: public from a moment typed in the company's home time zone."""

    public_from = CompanyDateTimeField(label=_("Public from"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["public_from"].help_text = self._meta.model._meta.get_field("public_from").help_text


class DividendForm(PublicFromForm):
    class Meta:
        model = Dividend
        fields = (
            "declared_on",
            "ex_dividend_on",
            "record_on",
            "payable_on",
            "amount",
            "currency",
            "kind",
            "public_from",
        )
        widgets = {name: DATE for name in ("declared_on", "ex_dividend_on", "record_on", "payable_on")}
        labels = {"amount": _("Amount"), "currency": _("Currency"), "kind": _("Kind")}

    def clean_currency(self):
        currency = self.cleaned_data["currency"].strip().upper()
        if len(currency) != 3 or not currency.isalpha() or not currency.isascii():
            raise forms.ValidationError(_("Use the three-letter ISO 4217 code, e.g. USD."))
        return currency


class StockSplitForm(PublicFromForm):
    class Meta:
        model = StockSplit
        fields = ("effective_on", "new_shares", "old_shares", "note", "public_from")
        widgets = {"effective_on": DATE}
        labels = {"note": _("Note")}


class AnalystCoverageForm(CleanTextMixin, forms.ModelForm):
    class Meta:
        model = AnalystCoverage
        fields = ("firm", "analyst", "order", "is_active")
        labels = {"firm": _("Firm"), "analyst": _("Analyst"), "order": _("Order")}
