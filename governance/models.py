"""The company's governance on the public site: people (the board and management) and the board's committees.

A change to the board or to management is a disclosure: each ``Person`` and
each ``Committee`` is an item of the workflow (draft, review, approval,
embargo, publication, withdrawal), like a release. Every save makes a
revision whose ``content`` is the complete snapshot the public reads (a
person's titles, independence, dates of service, committee memberships with
the chair, biography and photo with its SHA-256), so what is published is
exactly what was approved. A revision keeps the columns the public pages
select and sort by (on the board, in management, order, end of service),
taken from its content when it is saved: the pages read them from the
revision the public reads, never from a working copy still in draft.

Governance documents (committee charters, the code of conduct, the bylaws,
policies) are documents of the reports app, in categories of their own
(``reports.models.Document.Kind``): they are PDFs approved and published
exactly like an annual report, with the same upload checks and file serving.
"""

import datetime

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from company.models import CompanyProfile
from irportal.workflow.models import BaseRevision, WorkflowItem, WorkflowItemQuerySet


class Committee(WorkflowItem):
    slug = models.SlugField(max_length=120, unique=True, help_text=_("Made from the name when left empty."))
    name = models.CharField(max_length=120, help_text=_("E.g. “Audit Committee”"))
    description = models.TextField(blank=True, max_length=1000, help_text=_("What the committee oversees, plain text"))
    charter = models.ForeignKey(
        "reports.Document",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("The committee's charter: a document of the category “Committee charter”."),
    )
    order = models.PositiveSmallIntegerField(default=10, help_text=_("Committees are listed by this number, then name"))
    live_revision = models.ForeignKey(
        "CommitteeRevision", null=True, blank=True, on_delete=models.PROTECT, related_name="+", editable=False
    )
    approved_revision = models.ForeignKey(
        "CommitteeRevision", null=True, blank=True, on_delete=models.PROTECT, related_name="+", editable=False
    )

    objects = WorkflowItemQuerySet.as_manager()

    class Meta:
        ordering = ["order", "name"]
        permissions = [
            ("submit_committee", "Can submit a committee for review"),
            ("review_committee", "Can approve or request changes to a committee"),
            ("publish_committee", "Can schedule or publish an approved committee"),
            ("withdraw_committee", "Can withdraw a published committee"),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("governance:committees") + f"#{self.slug}"

    def get_staff_url(self):
        return reverse("console:detail", kwargs={"kind": "committees", "pk": self.pk})


class CommitteeRevision(BaseRevision):
    committee = models.ForeignKey(Committee, on_delete=models.PROTECT, related_name="revisions")

    class Meta(BaseRevision.Meta):
        constraints = [models.UniqueConstraint(fields=["committee", "number"], name="committee_revision_unique")]


class Person(WorkflowItem):
    """A director, an executive, or both: one person, one item, one disclosure per change."""

    slug = models.SlugField(max_length=120, unique=True, help_text=_("Made from the name when left empty."))
    name = models.CharField(max_length=120)
    board_title = models.CharField(
        max_length=120,
        blank=True,
        help_text=_("E.g. “Chair of the Board” or “Director”. Empty for someone who is not on the board."),
    )
    management_title = models.CharField(
        max_length=160,
        blank=True,
        help_text=_("E.g. “President and Chief Executive Officer”. Empty for someone who is not an executive."),
    )
    independent = models.BooleanField(default=False, help_text=_("An independent director (board members only)"))
    # [{"committee": <Committee id>, "chair": bool}]: the working copy's memberships, in the form's order.
    memberships = models.JSONField(default=list, blank=True)
    service_start = models.DateField(help_text=_("On the board, or in the role, since"))
    service_end = models.DateField(
        null=True,
        blank=True,
        help_text=_("The last day of service. From the next day the person is no longer listed."),
    )
    biography = models.TextField(blank=True)
    photo = models.ForeignKey(
        "PersonPhoto", null=True, blank=True, on_delete=models.PROTECT, related_name="+", editable=False
    )
    order = models.PositiveSmallIntegerField(
        default=10, help_text=_("People are listed by this number, then name (e.g. the chair and the CEO first)")
    )
    live_revision = models.ForeignKey(
        "PersonRevision", null=True, blank=True, on_delete=models.PROTECT, related_name="+", editable=False
    )
    approved_revision = models.ForeignKey(
        "PersonRevision", null=True, blank=True, on_delete=models.PROTECT, related_name="+", editable=False
    )

    objects = WorkflowItemQuerySet.as_manager()

    class Meta:
        ordering = ["order", "name"]
        verbose_name_plural = "people"
        permissions = [
            ("submit_person", "Can submit a person for review"),
            ("review_person", "Can approve or request changes to a person"),
            ("publish_person", "Can schedule or publish an approved person"),
            ("withdraw_person", "Can withdraw a published person"),
        ]
        indexes = [models.Index(fields=["status", "publish_at"], name="person_status_publish_at")]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        name = "governance:board" if self.board_title else "governance:management"
        return reverse(name) + f"#{self.slug}"

    def get_staff_url(self):
        return reverse("console:detail", kwargs={"kind": "people", "pk": self.pk})


class PersonRevision(BaseRevision):
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="revisions")
    # Taken from ``content`` on save (see ``save``): what the public pages select and sort by.
    on_board = models.BooleanField(editable=False)
    in_management = models.BooleanField(editable=False)
    order = models.PositiveSmallIntegerField(editable=False)
    # The end of the last day of service in the company's home time zone (when the revision was saved): listed
    # until this moment. Null while the service has no end.
    listed_until = models.DateTimeField(null=True, editable=False)

    class Meta(BaseRevision.Meta):
        constraints = [models.UniqueConstraint(fields=["person", "number"], name="person_revision_unique")]

    def save(self, *args, **kwargs):
        content = self.content
        self.on_board = bool(content["board_title"])
        self.in_management = bool(content["management_title"])
        self.order = content["order"]
        self.listed_until = None
        if content["service_end"]:
            day_after = datetime.date.fromisoformat(content["service_end"]) + datetime.timedelta(days=1)
            self.listed_until = datetime.datetime.combine(day_after, datetime.time(), tzinfo=CompanyProfile.load().zone)
        super().save(*args, **kwargs)


class PersonPhoto(models.Model):
    """A portrait, checked and re-encoded on upload (``company.files.check_upload``), kept with every revision."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="photos")
    token = models.CharField(max_length=32, unique=True, editable=False)
    image = models.ImageField(upload_to="people")
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    original_name = models.CharField(max_length=255)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["uploaded_at", "pk"]

    def __str__(self):
        return f"photo of {self.person}"

    def snapshot(self) -> dict:
        return {"token": self.token, "width": self.width, "height": self.height, "sha256": self.sha256}
