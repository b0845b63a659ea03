"""Financial documents: quarterly results, annual reports, proxy statements, presentations, fact sheets.

A ``Document`` row holds the working copy; every save makes a
``DocumentRevision`` whose ``content`` is the complete snapshot the public
reads (title, fiscal period, the files with their SHA-256, the links), so
what is published is exactly what was approved, file bytes included. A
revision also keeps the fields the public lists sort and group by (kind,
fiscal year and quarter, date, linked release and event) as columns, taken
from its content when it is saved: the lists read them from the revision the
public reads, never from a working copy that is still in draft.

Files (``DocumentFile``) are checked on upload (``reports.files``) and kept
with every revision that names them; the first page of the main PDF is
rendered once into a thumbnail by a Celery task (``reports.thumbnails``).
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from company.malware import Scan
from irportal.workflow.models import BaseRevision, WorkflowItem, WorkflowItemQuerySet

MIN_FISCAL_YEAR = 1900
MAX_FISCAL_YEAR = 2999


class DocumentQuerySet(WorkflowItemQuerySet):
    pass


class Document(WorkflowItem):
    class Kind(models.TextChoices):
        QUARTERLY_RESULTS = "quarterly_results", _("Quarterly results")
        ANNUAL_REPORT = "annual_report", _("Annual report")
        PROXY_STATEMENT = "proxy_statement", _("Proxy statement")
        PRESENTATION = "presentation", _("Presentation")
        FACT_SHEET = "fact_sheet", _("Fact sheet")
        OTHER = "other", _("Other document")
        # Governance documents: no fiscal period of their own (the year is the fiscal year of their date); listed
        # on the governance pages, not among the financial reports. A category here rather than a kind of their
        # own: they are PDFs approved, embargoed and served exactly like an annual report, upload checks and all.
        CHARTER = "charter", _("Committee charter")
        CODE_OF_CONDUCT = "code_of_conduct", _("Code of conduct")
        BYLAWS = "bylaws", _("Articles and bylaws")
        POLICY = "governance_policy", _("Governance policy")

    slug = models.SlugField(
        max_length=120,
        unique=True,
        help_text=_("The address: /investors/documents/<slug>/. Made from the period and title when left empty."),
    )
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.QUARTERLY_RESULTS)
    title = models.CharField(max_length=200, help_text=_("E.g. “Third quarter results” or “Investor presentation”"))
    fiscal_year = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(MIN_FISCAL_YEAR), MaxValueValidator(MAX_FISCAL_YEAR)],
        help_text=_("Named after the calendar year it ends in (see the company profile's fiscal year end)."),
    )
    fiscal_quarter = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(4)],
        help_text=_("Empty for a document about the whole fiscal year (an annual report)."),
    )
    document_date = models.DateField(help_text=_("The date the document carries, e.g. the day results are reported"))
    summary = models.TextField(blank=True, max_length=1000, help_text=_("One or two sentences, plain text"))
    release = models.ForeignKey(
        "releases.Release",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("Results release"),
    )
    event = models.ForeignKey(
        "events.Event",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("Results event"),
        help_text=_("Its webcast and replay are shown with the document."),
    )
    # [{"label": "Form 10-Q", "url": "https://..."}]: links to filings on the regulator's site.
    filings = models.JSONField(default=list, blank=True)
    live_revision = models.ForeignKey(
        "DocumentRevision", null=True, blank=True, on_delete=models.PROTECT, related_name="+", editable=False
    )
    approved_revision = models.ForeignKey(
        "DocumentRevision", null=True, blank=True, on_delete=models.PROTECT, related_name="+", editable=False
    )

    objects = DocumentQuerySet.as_manager()

    class Meta:
        ordering = ["-updated_at"]
        permissions = [
            ("submit_document", "Can submit a document for review"),
            ("review_document", "Can approve or request changes to a document"),
            ("publish_document", "Can schedule or publish an approved document"),
            ("withdraw_document", "Can withdraw a published document"),
        ]
        indexes = [
            models.Index(fields=["status", "publish_at"], name="document_status_publish_at"),
            # The Investor page's latest results and newest presentation among the published documents, whose
            # row is their live revision (``reports.selectors.LATEST_PER_KIND_SQL``): the first entry of each.
            models.Index(
                (F("fiscal_year") * 10 + Coalesce("fiscal_quarter", 0)).desc(),
                F("document_date").desc(),
                F("id").desc(),
                name="document_published_results",
                condition=Q(status="published", kind="quarterly_results"),
            ),
            models.Index(
                F("kind"),
                F("document_date").desc(),
                F("id").desc(),
                name="document_published_by_date",
                condition=Q(status="published"),
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("documents:detail", args=[self.slug])

    def get_staff_url(self):
        return reverse("console:detail", kwargs={"kind": "documents", "pk": self.pk})


GOVERNANCE_KINDS = (Document.Kind.CHARTER, Document.Kind.CODE_OF_CONDUCT, Document.Kind.BYLAWS, Document.Kind.POLICY)


class DocumentRevision(BaseRevision):
    document = models.ForeignKey(Document, on_delete=models.PROTECT, related_name="revisions")
    # Taken from ``content`` on save (see ``save``): what the public lists filter, sort and group by.
    kind = models.CharField(max_length=20, choices=Document.Kind.choices, editable=False)
    fiscal_year = models.PositiveSmallIntegerField(editable=False)
    fiscal_quarter = models.PositiveSmallIntegerField(null=True, editable=False)
    document_date = models.DateField(editable=False)
    release = models.ForeignKey(
        "releases.Release", null=True, on_delete=models.PROTECT, related_name="+", editable=False
    )
    event = models.ForeignKey("events.Event", null=True, on_delete=models.PROTECT, related_name="+", editable=False)

    class Meta(BaseRevision.Meta):
        constraints = [models.UniqueConstraint(fields=["document", "number"], name="document_revision_unique")]
        indexes = [models.Index(fields=["fiscal_year", "fiscal_quarter"], name="document_revision_period")]

    def save(self, *args, **kwargs):
        self.columns_from_content()
        super().save(*args, **kwargs)

    def columns_from_content(self) -> None:
        content = self.content
        self.kind = content["kind"]
        self.fiscal_year = content["fiscal_year"]
        self.fiscal_quarter = content["fiscal_quarter"]
        self.document_date = content["document_date"]
        self.release_id = (content["release"] or {}).get("id")
        self.event_id = (content["event"] or {}).get("id")


class DocumentFile(models.Model):
    """An uploaded file: the document's main PDF, or a supplementary PDF, XLSX or CSV file."""

    class Role(models.TextChoices):
        MAIN = "main", _("Main document")
        SUPPLEMENTARY = "supplementary", _("Supplementary file")

    class Format(models.TextChoices):
        PDF = "pdf", "PDF"
        XLSX = "xlsx", "Excel workbook"  # in revision notes ("Added Excel workbook ..."), kept as written
        CSV = "csv", "CSV"

    class Thumbnail(models.TextChoices):
        NONE = "none", _("No thumbnail")
        PENDING = "pending", pgettext_lazy("a thumbnail", "Being made")
        READY = "ready", pgettext_lazy("a thumbnail", "Ready")
        FAILED = "failed", pgettext_lazy("a thumbnail", "Failed")

    document = models.ForeignKey(Document, on_delete=models.PROTECT, related_name="files")
    token = models.CharField(max_length=32, unique=True, editable=False)
    role = models.CharField(max_length=20, choices=Role.choices)
    # The disclosure language of a main document written in a secondary language: the pages in that language
    # offer it instead of the main document. Empty for the file every language reads.
    language = models.CharField(max_length=10, blank=True, default="", editable=False)
    format = models.CharField(max_length=10, choices=Format.choices)
    label = models.CharField(max_length=200)
    original_name = models.CharField(max_length=255)
    file = models.FileField(upload_to="documents")
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    pages = models.PositiveIntegerField(null=True, blank=True)
    # CSV cells that begin like a formula (=, +, -, @) and are not numbers: harmless as a download, but a
    # spreadsheet program opening the file may evaluate them, so the approver is told (reports.checks).
    formula_cells = models.PositiveIntegerField(default=0)
    scan = models.CharField(max_length=20, choices=Scan.choices, default=Scan.NOT_SCANNED)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)
    removed = models.BooleanField(default=False, help_text=_("Left out of new revisions; kept for the old ones"))
    thumbnail = models.ImageField(upload_to="document-thumbnails", blank=True)
    thumbnail_state = models.CharField(max_length=10, choices=Thumbnail.choices, default=Thumbnail.NONE)
    thumbnail_error = models.CharField(max_length=300, blank=True)
    thumbnail_attempts = models.PositiveSmallIntegerField(default=0)
    # When the thumbnail was last asked for or tried: beat asks again for one pending too long.
    thumbnail_requested_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["uploaded_at", "pk"]
        indexes = [
            models.Index(
                fields=["thumbnail_requested_at"],
                condition=models.Q(thumbnail_state="pending"),
                name="document_file_thumb",
            )
        ]

    def __str__(self):
        return self.label

    def snapshot(self) -> dict:
        return {
            "id": self.pk,
            "token": self.token,
            "label": self.label,
            "format": self.format,
            "size": self.size,
            "pages": self.pages,
            "sha256": self.sha256,
        }
