"""Insider access lists: who opened a release or event while it was unpublished.

Built only from the audit log. Each kind of item that keeps insider lists
registers itself (``register_source`` from its app's ``ready()``): its object
type, its action prefix and the permission that opens its unpublished items.
It writes ``<kind>.access`` for every staff view of an unpublished item, with
``data = {"view": ..., "roles": [...]}``. The first ``<kind>.publish`` entry
of the item closes its list: only access entries with a smaller sequence
number count, so a closed list never changes afterwards.

Permanent insiders are the users whose permissions let them open every
unpublished item of a registered kind (from a role or granted directly), and
superusers.
"""

from dataclasses import dataclass, field
from datetime import datetime

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.db.models import Count, Max, Min, Q

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


def insider_list(object_type: str, object_id: str) -> InsiderList:
    """The list for one release or event: one row per person, in order of first access."""
    closed_by = closing_entry(object_type, object_id)
    accesses = AuditEntry.objects.filter(
        object_type=object_type, object_id=object_id, action=access_action(object_type)
    )
    if closed_by is not None:
        accesses = accesses.filter(sequence__lt=closed_by.sequence)
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


def insider_list_index() -> list[InsiderListSummary]:
    """Every release and event that has an insider list, most recently accessed first."""
    groups = list(
        AuditEntry.objects.filter(action__in=[f"{kind}.access" for kind in INSIDER_KINDS.values()])
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
