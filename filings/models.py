"""The company's SEC filings as EDGAR lists them, imported by ``filings.services.edgar_import``.

A ``Filing`` is one row of the submissions API's filing index; the links
to its index page, its documents and the interactive data viewer are built
from its accession number and the company's CIK the way EDGAR's addresses
are. For current reports (8-K) the importer also reads the filing's index
page and keeps the press release exhibits it lists (``FilingExhibit``), so a
release's page can link the 8-K that carried it.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from filings.groups import FormGroup


class Filing(models.Model):
    cik = models.CharField(max_length=10, help_text=_("The filer's CIK, ten digits"))
    accession_number = models.CharField(max_length=20, unique=True)
    form = models.CharField(max_length=30)
    form_group = models.CharField(max_length=20, choices=FormGroup.choices)
    filing_date = models.DateField()
    report_date = models.DateField(null=True, blank=True, help_text=_("The period the filing reports on"))
    accepted_at = models.DateTimeField(null=True, blank=True)
    description = models.CharField(max_length=300, blank=True)
    primary_document = models.CharField(max_length=300, blank=True)
    items = models.CharField(max_length=200, blank=True, help_text=_("A current report's items, e.g. 2.02,9.01"))
    size = models.PositiveBigIntegerField(null=True, blank=True)
    is_xbrl = models.BooleanField(default=False)
    is_inline_xbrl = models.BooleanField(default=False)
    imported_at = models.DateTimeField(auto_now_add=True)
    exhibits_checked_at = models.DateTimeField(null=True, blank=True)
    exhibit_attempts = models.PositiveSmallIntegerField(default=0)

    class Meta:
        default_permissions = ("view",)
        ordering = ["-filing_date", "-accession_number"]
        indexes = [
            models.Index(fields=["cik", "-filing_date", "-accession_number"], name="filing_cik_date"),
            models.Index(
                fields=["cik", "form_group", "-filing_date", "-accession_number"], name="filing_cik_group_date"
            ),
        ]

    def __str__(self):
        return f"{self.form} filed {self.filing_date:%Y-%m-%d} ({self.accession_number})"

    @property
    def _path(self) -> str:
        return f"/Archives/edgar/data/{int(self.cik)}/{self.accession_number.replace('-', '')}"

    @property
    def folder_url(self) -> str:
        return settings.EDGAR_ARCHIVES_URL + self._path

    @property
    def index_url(self) -> str:
        """EDGAR's filing index page: every document of the filing, with its type."""
        return f"{self.folder_url}/{self.accession_number}-index.htm"

    @property
    def document_url(self) -> str:
        return f"{self.folder_url}/{self.primary_document}" if self.primary_document else self.index_url

    @property
    def viewer_url(self) -> str:
        """The interactive data viewer, for a filing with XBRL financial data; empty otherwise."""
        if self.is_inline_xbrl and self.primary_document:
            return f"{settings.EDGAR_ARCHIVES_URL}/ix?doc={self._path}/{self.primary_document}"
        if self.is_xbrl:
            return (
                f"{settings.EDGAR_ARCHIVES_URL}/cgi-bin/viewer?action=view&cik={int(self.cik)}"
                f"&accession_number={self.accession_number}&xbrl_type=v"
            )
        return ""

    @property
    def title(self) -> str:
        """What the filing is, in words: its description unless that only repeats the form type."""
        description = self.description.strip()
        if not description or description.upper() in {self.form.upper(), "PRIMARY DOCUMENT"}:
            return ""
        return description


class FilingExhibit(models.Model):
    """A press release exhibit (EX-99) of a current report, with the start of its text."""

    filing = models.ForeignKey(Filing, on_delete=models.CASCADE, related_name="exhibits")
    sequence = models.PositiveSmallIntegerField()
    exhibit_type = models.CharField(max_length=30, verbose_name=_("type"))
    document = models.CharField(max_length=200)
    description = models.CharField(max_length=300, blank=True)
    text = models.TextField(blank=True, help_text=_("The exhibit's opening text, as plain words"))

    class Meta:
        default_permissions = ()
        ordering = ["sequence"]
        constraints = [models.UniqueConstraint(fields=["filing", "document"], name="filing_exhibit_document")]

    def __str__(self):
        return f"{self.exhibit_type} {self.document}"

    @property
    def url(self) -> str:
        return f"{self.filing.folder_url}/{self.document}"
