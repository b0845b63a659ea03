"""The approval workflow shared by releases and events.

States: draft -> in_review -> approved -> published -> withdrawn. ``status``
is the state of the working revision; ``live_revision`` is what the public
reads. Every change of state goes through ``irportal.workflow.engine``.
"""

import hashlib

from django.conf import settings
from django.contrib.auth.models import Group
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import connection, models
from django.db.models import Case, F, Q, When
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from irportal.audit.chain import canonical_json


class State(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("workflow state", "Draft")
    IN_REVIEW = "in_review", pgettext_lazy("workflow state", "In review")
    APPROVED = "approved", pgettext_lazy("workflow state", "Approved")
    PUBLISHED = "published", pgettext_lazy("workflow state", "Published")
    WITHDRAWN = "withdrawn", pgettext_lazy("workflow state", "Withdrawn")


class ApprovalStep(models.Model):
    """One step of the approval chain, approved by members of its group, in ``order``."""

    name = models.CharField(max_length=80, unique=True)
    group = models.ForeignKey(Group, on_delete=models.PROTECT, related_name="+")
    order = models.PositiveSmallIntegerField(unique=True)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["order"]

    def __str__(self):
        return f"{self.name} ({self.group.name})"

    @classmethod
    def chain(cls) -> list["ApprovalStep"]:
        return list(cls.objects.filter(is_active=True).select_related("group").order_by("order"))


# The columns the rule reads to decide whether, which and since when an item is public (with its revisions'
# ids): what a read that loads only some columns (``.only()``) of public items must load.
PUBLIC_STATE_FIELDS = ("status", "publish_at", "held", "gate_opens_at", "first_published_at", "last_published_at")


def due_approval(now) -> Q:
    """Approved items whose embargo has come, and whose gate is open if one holds them: the public reads their
    approved revision (see ``public_revision``)."""
    return Q(status=State.APPROVED, publish_at__lte=now, approved_revision__isnull=False) & (
        Q(held=False) | Q(gate_opens_at__lte=now)
    )


def public_revision_column(name: str, now):
    """The column ``name`` of the revision the public reads at ``now`` (approved past its embargo, else live)."""
    return Case(When(due_approval(now), then=F(f"approved_revision__{name}")), default=F(f"live_revision__{name}"))


# The same rule in SQL, for the few reviewed statements that read a public list without the ORM building it (each
# held to the ORM's reading by a test of its own; tests/workflow/test_public_sql.py holds these to the ORM): for the
# table aliased ``item``, its moment and the states the parameters of ``public_sql_parameters``.
def due_sql(item: str) -> str:
    """``due_approval``."""
    return (
        f"{item}.status = %(approved)s AND {item}.publish_at <= %(now)s AND {item}.approved_revision_id IS NOT NULL "
        f"AND (NOT {item}.held OR {item}.gate_opens_at <= %(now)s)"
    )


def public_sql(item: str) -> str:
    """``WorkflowItemQuerySet.public``: which items the public may read."""
    return f"(({due_sql(item)}) OR ({item}.live_revision_id IS NOT NULL AND {item}.status <> %(withdrawn)s))"


def public_revision_id_sql(item: str) -> str:
    """The id of the revision the public reads (``public_revision_column``): the approved one if due, else the live."""
    return f"CASE WHEN {due_sql(item)} THEN {item}.approved_revision_id ELSE {item}.live_revision_id END"


def public_sql_parameters(now) -> dict:
    """The parameters the statements above name: ``now`` and each state by its value (``%(approved)s``). The moment
    is given as the ORM gives a datetime to the database (SQLite compares datetimes as text, in UTC), so a statement
    run through a bare cursor compares it as the ORM would."""
    return {"now": connection.ops.adapt_datetimefield_value(now), **{state.value: state.value for state in State}}


def opening_moment():
    """The database's ``WorkflowItem.opens_at`` of a due item: its embargo, or the gate's opening when later."""
    return Case(When(held=True, gate_opens_at__gt=F("publish_at"), then=F("gate_opens_at")), default=F("publish_at"))


def public_changed_moment(now):
    """When what the public reads at ``now`` went public, in the database: the embargo (or the gate's opening) of
    an approval due at ``now`` (as ``WorkflowItem.is_due`` decides it), swept or not, else the last publication."""
    is_due = Q(status=State.APPROVED, publish_at__lte=now) & (Q(held=False) | Q(gate_opens_at__lte=now))
    return Case(When(is_due, then=opening_moment()), default=Coalesce("last_published_at", "publish_at"))


class WorkflowItemQuerySet(models.QuerySet):
    def public(self, now):
        """Items the public may read at ``now``, decided from the columns alone (no sweep needed)."""
        return self.filter(due_approval(now) | (Q(live_revision__isnull=False) & ~Q(status=State.WITHDRAWN)))


class WorkflowItem(models.Model):
    """What releases and events share: the workflow state and who touched the item."""

    status = models.CharField(max_length=20, choices=State.choices, default=State.DRAFT, db_index=True)
    publish_at = models.DateTimeField(
        null=True, blank=True, db_index=True, help_text=_("The embargo: public from this moment once approved.")
    )
    current_step = models.ForeignKey(ApprovalStep, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    review_round = models.PositiveIntegerField(default=0, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    last_edited_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    first_published_at = models.DateTimeField(null=True, blank=True, editable=False)
    last_published_at = models.DateTimeField(null=True, blank=True, editable=False)
    withdrawn_at = models.DateTimeField(null=True, blank=True, editable=False)
    withdrawn_reason = models.TextField(blank=True, editable=False)
    version = models.PositiveIntegerField(default=0, editable=False, help_text="Number of the working revision")
    # The gate: an app above the workflow (the newswire) may hold an approved item past its embargo until the
    # gate opens, e.g. until the wire has carried it. Set by the engine and that app's services, in their
    # transactions; read by the one rule (``due_approval``, ``is_due``). ``gate_opens_at`` is the moment it
    # opened (never a future one: the service that opens it writes the moment it does), null while it is shut.
    held = models.BooleanField(
        default=False, editable=False, help_text="Held past its embargo until the gate opens (e.g. the newswire)"
    )
    gate_opens_at = models.DateTimeField(null=True, blank=True, editable=False)
    # The secondary disclosure languages' text of the kind's translatable fields (``WorkflowSpec.translatable``):
    # ``{"fr": {"headline": "...", "body": "..."}}``; the primary language's text is in the item's own fields.
    translations = models.JSONField(default=dict, blank=True)
    is_demo = models.BooleanField(
        default=False, editable=False, help_text="Made for the demo company; removed with the demo content"
    )

    class Meta:
        abstract = True

    @property
    def is_live(self) -> bool:
        return self.live_revision_id is not None and self.status != State.WITHDRAWN

    @property
    def opens_at(self):
        """When the approved revision goes public: the embargo, or for an item held at a gate the later of the
        embargo and the gate's opening; None while either is not known."""
        if self.publish_at is None or not self.held:
            return self.publish_at
        if self.gate_opens_at is None:
            return None
        return max(self.publish_at, self.gate_opens_at)

    @property
    def held_at_gate(self) -> bool:
        """Held, and the gate has not opened: not public at its embargo."""
        return self.held and self.gate_opens_at is None

    def is_due(self, now) -> bool:
        """Approved, past its embargo and through its gate: the public reads the approved revision, swept or not."""
        opens_at = self.opens_at
        return self.status == State.APPROVED and opens_at is not None and opens_at <= now

    def public_revision(self, now):
        """The revision the public reads at ``now``, decided from the columns, with or without a sweep."""
        if self.status == State.WITHDRAWN:
            return None
        if self.is_due(now):
            return self.approved_revision
        return self.live_revision

    def shows_unpublished(self, now) -> bool:
        """Whether its working copy says what the public cannot read: never published, or a correction pending.

        Staff who read it then are insiders (``engine.record_access``).
        """
        public = self.public_revision(now)
        return public is None or public.number != self.version

    @property
    def public_since(self):
        return self.first_published_at or self.opens_at or self.publish_at


class BaseRevision(models.Model):
    """An immutable snapshot of an item's content; every save makes one."""

    number = models.PositiveIntegerField()
    content = models.JSONField()
    content_hash = models.CharField(max_length=64)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    note = models.CharField(max_length=200, blank=True)

    class Meta:
        abstract = True
        ordering = ["-number"]

    def __str__(self):
        return f"revision {self.number}"

    @staticmethod
    def hash_content(content: dict) -> str:
        return hashlib.sha256(canonical_json(content)).hexdigest()


class SnapshotDocument:
    """Attribute access to a revision's content snapshot, for templates: ``doc.headline``."""

    def __init__(self, content: dict):
        self.content = content

    def __getattr__(self, name):
        try:
            return self.content[name]
        except KeyError:
            raise AttributeError(name) from None


class _ItemRecord(models.Model):
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    object_id = models.PositiveBigIntegerField()
    item = GenericForeignKey("content_type", "object_id")

    class Meta:
        abstract = True
        indexes = [models.Index(fields=["content_type", "object_id"])]

    def __str__(self):
        return f"{self._meta.verbose_name} of {self.content_type.model} {self.object_id}"


class Approval(_ItemRecord):
    """One approval step given, with the hash of the revision it covers."""

    review_round = models.PositiveIntegerField()
    step = models.ForeignKey(ApprovalStep, on_delete=models.PROTECT, related_name="+")
    approver = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    revision_number = models.PositiveIntegerField()
    content_hash = models.CharField(max_length=64)
    # The warnings of the content checks the approver acknowledged: [{"code": ..., "message": ...}].
    acknowledged_warnings = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta(_ItemRecord.Meta):
        ordering = ["created_at"]


class Publication(_ItemRecord):
    """A revision made public, with its hash; ``actor`` null when the sweep published it."""

    revision_number = models.PositiveIntegerField()
    content_hash = models.CharField(max_length=64)
    published_at = models.DateTimeField()
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta(_ItemRecord.Meta):
        ordering = ["published_at"]


class Comment(_ItemRecord):
    class Kind(models.TextChoices):
        COMMENT = "comment", pgettext_lazy("kind of comment", "Comment")
        CHANGES_REQUESTED = "changes_requested", pgettext_lazy("kind of comment", "Changes requested")
        APPROVED = "approved", pgettext_lazy("kind of comment", "Approved")
        WITHDRAWN = "withdrawn", pgettext_lazy("kind of comment", "Withdrawn")

    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.COMMENT)
    body = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta(_ItemRecord.Meta):
        ordering = ["created_at"]


class CalendarFeed(models.Model):
    """A staff member's private address of the publication calendar (ICS), for a calendar program.

    The address carries a random token, stored here only as its SHA-256;
    making a new address or revoking it ends the old one at once.
    """

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed")
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self):
        return f"calendar feed of {self.user}"

    @staticmethod
    def hash_token(token: str) -> str:
        return hashlib.sha256(token.encode()).hexdigest()


class OutboxMessage(models.Model):
    """One side effect of a committed change, kept until a handler has done it (``irportal.workflow.outbox``)."""

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"

    handler = models.CharField(max_length=60)
    payload = models.JSONField(default=dict)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField(default=timezone.now)
    # When beat hands the row to a worker if it is not done by then: shortly after the change, or when a retry is due.
    redispatch_at = models.DateTimeField()
    # Set while a worker runs the handler; beat releases a claim whose worker died.
    claimed_until = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)
    done_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["pk"]
        default_permissions = ()
        indexes = [
            models.Index(fields=["redispatch_at"], condition=Q(status="pending"), name="outbox_pending"),
            models.Index(fields=["status"], condition=Q(status="failed"), name="outbox_failed"),
        ]

    def __str__(self):
        return f"{self.handler} {self.payload}"


class StaffMailSent(models.Model):
    """The staff notifications' send log: each mail the server accepted, by its change and address.

    A notification that fails half way (the server refuses the third of five
    addresses) is tried again by the outbox; the addresses logged here are not
    mailed again.
    """

    message = models.ForeignKey(OutboxMessage, on_delete=models.CASCADE, related_name="+")
    address = models.EmailField(max_length=254)
    accepted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["pk"]
        default_permissions = ()
        constraints = [models.UniqueConstraint(fields=["message", "address"], name="staff_mail_once")]

    def __str__(self):
        return f"{self.message_id} to {self.address}"
