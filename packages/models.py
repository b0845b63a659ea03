"""Disclosure packages: the items of one disclosure that go out together.

A ``Package`` is a workflow item of its own kind: an earnings release with its
results PDF, financial tables, slide deck and webcast event, under one embargo.
Its revisions hold the list of its members (kind, id and name); ``PackageMember``
holds the members of the working copy as rows, so that any item's package is one
lookup. An item belongs to at most one package.

The engine makes each transition of the package the same transition of each of
its members, in one transaction (``irportal.workflow.engine``, ``WorkflowSpec.members``):
approving the package approves each member's current revision with the
package's embargo, so every member is public from the same second by the one
read-time rule, with no sweep needed.
"""

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from irportal.workflow.models import BaseRevision, State, WorkflowItem, WorkflowItemQuerySet


class MemberKind(models.TextChoices):
    """The workflow kinds a package groups, by their workflow names (``WorkflowSpec.kind``)."""

    RELEASE = "release", _("Release")
    DOCUMENT = "document", _("Document")
    EVENT = "event", _("Event")


# Each kind of member as a sentence or a badge names it ("release"), as the console names the kinds.
MEMBER_NOUNS = {
    MemberKind.RELEASE: pgettext_lazy("kind of content", "release"),
    MemberKind.DOCUMENT: pgettext_lazy("kind of content", "document"),
    MemberKind.EVENT: pgettext_lazy("kind of content", "event"),
}


class PackageQuerySet(WorkflowItemQuerySet):
    def holding(self, now):
        """Packages that hold their members together: in review, or approved and not public yet."""
        return self.filter(status__in=[State.IN_REVIEW, State.APPROVED]).exclude(
            pk__in=self.model.objects.public(now).values("pk")
        )


class Package(WorkflowItem):
    title = models.CharField(
        max_length=200, help_text=_("For the team, e.g. “Q3 2026 results”; not shown to the public")
    )
    note = models.TextField(blank=True, max_length=2000, help_text=_("For the reviewers (optional)"))
    live_revision = models.ForeignKey(
        "PackageRevision", null=True, blank=True, on_delete=models.PROTECT, related_name="+", editable=False
    )
    approved_revision = models.ForeignKey(
        "PackageRevision", null=True, blank=True, on_delete=models.PROTECT, related_name="+", editable=False
    )

    objects = PackageQuerySet.as_manager()

    class Meta:
        ordering = ["-updated_at"]
        permissions = [
            ("submit_package", "Can submit a package for review"),
            ("review_package", "Can approve or request changes to a package"),
            ("publish_package", "Can schedule or publish an approved package"),
            ("withdraw_package", "Can withdraw a published package"),
        ]

    def __str__(self):
        return self.title

    def get_staff_url(self):
        return reverse("console:detail", kwargs={"kind": "packages", "pk": self.pk})

    def get_absolute_url(self):
        """A package has no public page of its own: its members have theirs."""
        return self.get_staff_url()


class PackageRevision(BaseRevision):
    package = models.ForeignKey(Package, on_delete=models.PROTECT, related_name="revisions")

    class Meta(BaseRevision.Meta):
        constraints = [models.UniqueConstraint(fields=["package", "number"], name="package_revision_unique")]


class PackageMember(models.Model):
    """One item of a package's working copy."""

    package = models.ForeignKey(Package, on_delete=models.CASCADE, related_name="members")
    kind = models.CharField(max_length=20, choices=MemberKind.choices)
    object_id = models.PositiveBigIntegerField()
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]
        default_permissions = ()
        constraints = [models.UniqueConstraint(fields=["kind", "object_id"], name="package_member_once")]

    def __str__(self):
        return f"{self.kind} {self.object_id} in package {self.package_id}"
