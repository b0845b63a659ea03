"""Press releases as a wire carries them, with revisions, boilerplates, contacts and files.

A ``Release`` row holds the working copy; every save makes a
``ReleaseRevision`` whose ``content`` is the complete snapshot the public
page is rendered from, so what is published is exactly what was approved.
"""

from django.conf import settings
from django.db import models
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext

from company.malware import Scan
from irportal.workflow.models import (
    PUBLIC_STATE_FIELDS,
    BaseRevision,
    WorkflowItem,
    WorkflowItemQuerySet,
    opening_moment,
)


class Audience(models.TextChoices):
    INVESTORS = "investors", _("For Investors")
    MEDIA = "media", _("For Media")


class MediaContact(models.Model):
    """A person the press or investors can call: shown on releases and the Investor page."""

    name = models.CharField(max_length=120)
    title = models.CharField(max_length=120, blank=True)
    organization = models.CharField(max_length=160, blank=True, help_text=_("E.g. an outside IR or PR agency"))
    phone = models.CharField(max_length=40, blank=True)
    email = models.EmailField(blank=True)
    audience = models.CharField(max_length=20, choices=Audience.choices, default=Audience.INVESTORS)
    order = models.PositiveSmallIntegerField(default=0, help_text=_("Lower numbers are listed first"))
    is_active = models.BooleanField(default=True)
    is_demo = models.BooleanField(default=False, editable=False, help_text=_("Made for the demo company"))
    # The title in each secondary disclosure language: {"fr": {"title": "..."}}; ``title`` is the primary's.
    translations = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["audience", "order", "name"]

    def __str__(self):
        return f"{self.name} ({self.get_audience_display()})"

    def snapshot(self) -> dict:
        return {
            "id": self.pk,
            "name": self.name,
            "title": self.title,
            "organization": self.organization,
            "phone": self.phone,
            "email": self.email,
            "audience": self.audience,
            # Only when written, so that the snapshot (and hash) of a contact in one language is as before.
            **({"translations": self.translations} if self.translations else {}),
        }

    @staticmethod
    def group_by_audience(contacts) -> list[tuple[str, list]]:
        """Contacts grouped the way a release prints them: ``For Investors:`` then ``For Media:``."""
        groups = []
        for value, label in Audience.choices:
            members = [contact for contact in contacts if _audience(contact) == value]
            if members:
                groups.append((pgettext("a group of contacts", "%(audience)s:") % {"audience": label}, members))
        return groups


def _audience(contact) -> str:
    return contact["audience"] if isinstance(contact, dict) else contact.audience


class Boilerplate(models.Model):
    """Reusable closing text: "About <Company>" or the forward-looking statements."""

    class Kind(models.TextChoices):
        ABOUT = "about", _("About the company")
        SAFE_HARBOR = "safe_harbor", _("Forward-looking statements")

    name = models.CharField(max_length=120, unique=True)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    is_active = models.BooleanField(default=True)
    is_default = models.BooleanField(
        default=False,
        verbose_name=_("Default of its kind"),
        help_text=_(
            "Attached to new releases and announcements; the default About text is also "
            "the one on the Investor Information page."
        ),
    )
    is_demo = models.BooleanField(default=False, editable=False, help_text=_("Written for the demo company"))

    class Meta:
        ordering = ["kind", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind"], condition=models.Q(is_default=True), name="boilerplate_one_default_per_kind"
            )
        ]

    def __str__(self):
        return self.name

    @property
    def latest(self) -> "BoilerplateVersion | None":
        return self.versions.order_by("-number").first()


class BoilerplateVersion(models.Model):
    """One wording of a boilerplate; never changed once saved (a change is a new version)."""

    boilerplate = models.ForeignKey(Boilerplate, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField()
    title = models.CharField(max_length=200, help_text=_('The heading, e.g. "About Example Corp"'))
    text = models.TextField(help_text=_("Sanitised HTML"))
    # The title and text in each secondary disclosure language: {"fr": {"title": "...", "text": "..."}}.
    translations = models.JSONField(default=dict, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["boilerplate", "-number"]
        constraints = [models.UniqueConstraint(fields=["boilerplate", "number"], name="boilerplate_version_unique")]

    def __str__(self):
        return f"{self.boilerplate.name} (version {self.number})"

    def snapshot(self) -> dict:
        return {
            "version_id": self.pk,
            "boilerplate": self.boilerplate.name,
            "number": self.number,
            "title": self.title,
            "text": self.text,
            # Each secondary language's title and text, only when written (the snapshot is otherwise as before).
            **({"translations": self.translations} if self.translations else {}),
        }


# What a public document of a release is made of: the columns that choose the revision the public
# reads, those its dates and address come from, and the revisions' content (not their search index).
PUBLIC_DOCUMENT_FIELDS = ("slug", *PUBLIC_STATE_FIELDS, "live_revision__content", "approved_revision__content")


class ReleaseQuerySet(WorkflowItemQuerySet):
    def public_newest_first(self, now):
        return (
            self.public(now)
            .annotate(public_since_at=Coalesce("first_published_at", opening_moment()))
            .order_by("-public_since_at", "-pk")
        )

    def for_public_documents(self):
        return self.select_related("live_revision", "approved_revision").only(*PUBLIC_DOCUMENT_FIELDS)


class Release(WorkflowItem):
    slug = models.SlugField(
        max_length=120,
        unique=True,
        help_text=_("The last part of the address, e.g. q3-2026-results for /investors/news/q3-2026-results/"),
    )
    headline = models.CharField(max_length=300)
    subheadline = models.CharField(max_length=500, blank=True)
    highlights = models.JSONField(default=list, blank=True, help_text=_("Bullet points under the headline"))
    dateline_city = models.CharField(max_length=80)
    dateline_region = models.CharField(max_length=80, help_text=_("State or country, e.g. Ariz. or Germany"))
    release_date = models.DateField()
    distribution = models.CharField(
        max_length=80, default="BUSINESS WIRE", help_text=_("The wire, e.g. GLOBE NEWSWIRE")
    )
    website_only = models.BooleanField(
        default=False,
        verbose_name=_("Website only"),
        help_text=_("Not sent to the newswire: news the company publishes on its own website alone."),
    )
    body = models.TextField(help_text=_("Sanitised HTML: paragraphs, lists, links, tables"))
    about = models.ForeignKey(
        BoilerplateVersion, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("About")
    )
    safe_harbor = models.ForeignKey(
        BoilerplateVersion,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("Forward-looking statements"),
    )
    contacts = models.ManyToManyField(MediaContact, blank=True, related_name="releases")
    live_revision = models.ForeignKey(
        "ReleaseRevision", null=True, blank=True, on_delete=models.PROTECT, related_name="+", editable=False
    )
    approved_revision = models.ForeignKey(
        "ReleaseRevision", null=True, blank=True, on_delete=models.PROTECT, related_name="+", editable=False
    )

    objects = ReleaseQuerySet.as_manager()

    class Meta:
        ordering = ["-updated_at"]
        permissions = [
            ("submit_release", "Can submit a release for review"),
            ("review_release", "Can approve or request changes to a release"),
            ("publish_release", "Can schedule or publish an approved release"),
            ("withdraw_release", "Can withdraw a published release"),
        ]
        indexes = [models.Index(fields=["status", "publish_at"], name="release_status_publish_at")]

    def __str__(self):
        return self.headline

    def get_absolute_url(self):
        return reverse("news:detail", args=[self.slug])

    def get_staff_url(self):
        return reverse("console:detail", kwargs={"kind": "releases", "pk": self.pk})


class ReleaseRevision(BaseRevision):
    release = models.ForeignKey(Release, on_delete=models.PROTECT, related_name="revisions")

    class Meta(BaseRevision.Meta):
        constraints = [models.UniqueConstraint(fields=["release", "number"], name="release_revision_unique")]


class ReleaseFile(models.Model):
    """What images and attachments share: an unguessable token, who uploaded it, and removal."""

    token = models.CharField(max_length=32, unique=True, editable=False)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)
    removed = models.BooleanField(default=False, help_text=_("Left out of new revisions; kept for the old ones"))

    class Meta:
        abstract = True
        ordering = ["uploaded_at"]


class ReleaseImage(ReleaseFile):
    """An image re-encoded on upload (metadata stripped) with its renditions, made once."""

    release = models.ForeignKey(Release, on_delete=models.PROTECT, related_name="images")
    alt_text = models.CharField(max_length=250, help_text=_("What the image shows, for people who cannot see it"))
    caption = models.CharField(max_length=300, blank=True)
    original_name = models.CharField(max_length=200)
    large = models.ImageField(upload_to="release-images")
    thumbnail = models.ImageField(upload_to="release-images")
    width = models.PositiveIntegerField(help_text=_("Of the large rendition"))
    height = models.PositiveIntegerField(help_text=_("Of the large rendition"))

    def __str__(self):
        return self.alt_text

    def snapshot(self) -> dict:
        return {"id": self.pk, "token": self.token, "alt": self.alt_text, "caption": self.caption}


class ReleaseAttachment(ReleaseFile):
    """A PDF document published with the release."""

    release = models.ForeignKey(Release, on_delete=models.PROTECT, related_name="attachments")
    title = models.CharField(max_length=200)
    file = models.FileField(upload_to="release-attachments")
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64, blank=True)
    scan = models.CharField(max_length=20, choices=Scan.choices, default=Scan.NOT_SCANNED)

    def __str__(self):
        return self.title

    def snapshot(self) -> dict:
        return {"id": self.pk, "token": self.token, "title": self.title, "size": self.size}
