"""Insider access lists: who opened a release or event while it was unpublished.

Built only from the audit log. Each kind of item that keeps insider lists
registers itself (``register_source`` from its app's ``ready()``): its object
type, its action prefix and the permission that opens its unpublished items.
It writes ``<kind>.access`` for every staff view of an unpublished item, with
``data = {"view": ..., "roles": [...]}``. The first ``<kind>.publish`` entry
of the item closes its list at the moment the item became public (its
``published_at``, the embargo time even when the sweep wrote the entry
later): only access entries written before that moment and before that
entry count, so a closed list never changes afterwards.

Permanent insiders are the users whose permissions let them open every
unpublished item of a registered kind (from a role or granted directly), and
superusers.
"""

from dataclasses import dataclass, field
from datetime import datetime

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.db.models import Count, DateTimeField, F, Max, Min, OuterRef, Q, Subquery
from django.db.models.fields.json import KT
from django.db.models.functions import Cast, Coalesce

from irportal.audit.models import AuditEntry

# object_type ("releases.release") -> the action prefix its entries use ("release")
INSIDER_KINDS: dict[str, str] = {}
# The permissions that open every unpublished item of a registered kind.
PERMANENT_INSIDER_PERMISSIONS: list[str] = []


def register_source(object_type: str, *, action_prefix: str, view_permission: str) -> None:
    """A kind of item whose unpublished readers are insiders; called from its app's ``ready()``."""
    INSIDER_KINDS[object_type] = action_prefix
    if view_permission not in PERMANENT_INSIDER_PERMISSIONS:
        PERMANENT_INSIDER_PERMISSIONS.append(view_permission)


@dataclass
class Insider:
    actor_id: int | None
    actor_label: str
    first_access: datetime
    last_access: datetime
    accesses: int = 0
    roles: list[str] = field(default_factory=list)
    views: list[str] = field(default_factory=list)


@dataclass
class InsiderList:
    object_type: str
    object_id: str
    object_label: str
    closed_by: AuditEntry | None
    insiders: list[Insider]

    @property
    def closed(self) -> bool:
        return self.closed_by is not None

    @property
    def closed_at(self) -> datetime | None:
        return publication_moment(self.closed_by) if self.closed_by else None


def access_action(object_type: str) -> str:
    return f"{INSIDER_KINDS[object_type]}.access"


def publish_action(object_type: str) -> str:
    return f"{INSIDER_KINDS[object_type]}.publish"


def closing_entry(object_type: str, object_id: str) -> AuditEntry | None:
    """The first publication of the object: its insider list is closed there."""
    return (
        AuditEntry.objects.filter(object_type=object_type, object_id=object_id, action=publish_action(object_type))
        .order_by("sequence")
        .first()
    )


def publication_moment(entry: AuditEntry) -> datetime:
    """When the item of a publish entry became public: its ``published_at``, else the entry's own time."""
    published_at = entry.data.get("published_at") if isinstance(entry.data, dict) else None
    return datetime.fromisoformat(published_at) if published_at else entry.timestamp


def _counted_accesses():
    """The access entries the lists count: each written before its item's first publish entry and before
    the moment that entry says the item became public."""
    closing = AuditEntry.objects.filter(
        object_type=OuterRef("object_type"),
        object_id=OuterRef("object_id"),
        action__in=[f"{kind}.publish" for kind in INSIDER_KINDS.values()],
    ).order_by("sequence")
    # Both sides of the time comparison in the same form, so that SQLite, which keeps times as text,
    # compares equal moments as equal.
    moment = Coalesce(Cast(KT("data__published_at"), DateTimeField()), Cast("timestamp", DateTimeField()))
    return (
        AuditEntry.objects.filter(action__in=[f"{kind}.access" for kind in INSIDER_KINDS.values()])
        .alias(
            at=Cast("timestamp", DateTimeField()),
            closing_sequence=Subquery(closing.values("sequence")[:1]),
            closing_moment=Subquery(closing.annotate(moment=moment).values("moment")[:1]),
        )
        .filter(Q(closing_sequence__isnull=True) | Q(sequence__lt=F("closing_sequence"), at__lt=F("closing_moment")))
    )


def insider_list(object_type: str, object_id: str) -> InsiderList:
    """The list for one release or event: one row per person, in order of first access."""
    closed_by = closing_entry(object_type, object_id)
    accesses = _counted_accesses().filter(
        object_type=object_type, object_id=object_id, action=access_action(object_type)
    )
    insiders: dict[tuple, Insider] = {}
    label = closed_by.object_label if closed_by else ""
    rows = accesses.order_by("sequence").values_list("actor_id", "actor_label", "timestamp", "data", "object_label")
    for actor_id, actor_label, timestamp, data, object_label in rows.iterator(chunk_size=2000):
        key = (actor_id, actor_label)
        insider = insiders.get(key)
        if insider is None:
            insider = insiders[key] = Insider(actor_id, actor_label, timestamp, timestamp)
        insider.last_access = timestamp
        insider.accesses += 1
        data = data if isinstance(data, dict) else {}
        for role in data.get("roles") or []:
            if str(role) not in insider.roles:
                insider.roles.append(str(role))
        view = str(data.get("view", ""))
        if view and view not in insider.views:
            insider.views.append(view)
        label = label or object_label
    if not label:
        label = (
            AuditEntry.objects.filter(object_type=object_type, object_id=object_id)
            .order_by("-sequence")
            .values_list("object_label", flat=True)
            .first()
            or ""
        )
    return InsiderList(object_type, object_id, label, closed_by, list(insiders.values()))


@dataclass
class InsiderListSummary:
    object_type: str
    object_id: str
    object_label: str
    accesses: int
    people: int
    first_access: datetime
    last_access: datetime
    closed_by: AuditEntry | None = None

    @property
    def closed_at(self) -> datetime | None:
        return publication_moment(self.closed_by) if self.closed_by else None


def insider_list_index() -> list[InsiderListSummary]:
    """Every release and event that has an insider list, most recently accessed first."""
    groups = list(
        _counted_accesses()
        .values("object_type", "object_id")
        .annotate(
            last_sequence=Max("sequence"),
            accesses=Count("id"),
            people=Count("actor_label", distinct=True),
            first_access=Min("timestamp"),
            last_access=Max("timestamp"),
        )
        .order_by("-last_sequence")
    )
    labels = dict(
        AuditEntry.objects.filter(sequence__in=[group["last_sequence"] for group in groups]).values_list(
            "sequence", "object_label"
        )
    )
    publications = {}
    closing = AuditEntry.objects.filter(
        action__in=[f"{kind}.publish" for kind in INSIDER_KINDS.values()],
        object_id__in={group["object_id"] for group in groups},
    ).order_by("-sequence")
    for entry in closing:
        publications[(entry.object_type, entry.object_id)] = entry  # the oldest wins: it is written last
    return [
        InsiderListSummary(
            object_type=group["object_type"],
            object_id=group["object_id"],
            object_label=labels.get(group["last_sequence"], ""),
            accesses=group["accesses"],
            people=group["people"],
            first_access=group["first_access"],
            last_access=group["last_access"],
            closed_by=publications.get((group["object_type"], group["object_id"])),
        )
        for group in groups
    ]


@dataclass
class PermanentInsider:
    user: object
    roles: list[str]
    permissions: list[str]


def permanent_insiders() -> list[PermanentInsider]:
    """Active users who can open every unpublished release or event; empty while no such permission exists."""
    wanted = Q()
    for name in PERMANENT_INSIDER_PERMISSIONS:
        app_label, codename = name.split(".", 1)
        wanted |= Q(content_type__app_label=app_label, codename=codename)
    permissions = list(Permission.objects.filter(wanted).select_related("content_type"))
    if not permissions:
        return []
    names = {permission.pk: f"{permission.content_type.app_label}.{permission.codename}" for permission in permissions}
    users = (
        get_user_model()
        .objects.filter(is_active=True)
        .filter(Q(is_superuser=True) | Q(groups__permissions__in=permissions) | Q(user_permissions__in=permissions))
        .distinct()
        .order_by("username")
        .prefetch_related("groups__permissions", "user_permissions")
    )
    insiders = []
    for user in users:
        held = {perm.pk for perm in user.user_permissions.all()}
        granting_roles = []
        for group in user.groups.all():
            group_perms = {perm.pk for perm in group.permissions.all()}
            held |= group_perms
            if group_perms & names.keys():
                granting_roles.append(group.name)
        granted = sorted(names[pk] for pk in held if pk in names)
        if user.is_superuser:
            granted = sorted(names.values())
            granting_roles.append("superuser")
        insiders.append(PermanentInsider(user=user, roles=sorted(granting_roles), permissions=granted))
    return insiders
