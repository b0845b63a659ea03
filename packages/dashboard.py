"""The packages' panel on the staff dashboard: each package on its way out, its items, and the time to its embargo.

One query for the packages, one for their items, one a kind for the items' names: the same count for five
packages as for a hundred.
"""

from datetime import datetime

from irportal.workflow import engine
from irportal.workflow.models import State
from packages.models import MEMBER_NOUNS, Package, PackageMember

SHOWN = 10


def packages_going_out(user, now: datetime) -> dict:
    """In review or approved, not yet public: soonest embargo first, those without one last."""
    packages = list(
        Package.objects.holding(now).select_related("current_step").order_by("publish_at", "updated_at")[:SHOWN]
    )
    rows = list(PackageMember.objects.filter(package__in=packages).order_by("package_id", "position", "pk"))
    names = {}
    for kind in {row.kind for row in rows}:
        model = engine.spec_for(kind).model
        ids = [row.object_id for row in rows if row.kind == kind]
        names.update({(kind, item.pk): item for item in model.objects.filter(pk__in=ids)})
    items = {}
    for row in rows:
        if (row.kind, row.object_id) in names:
            item = names[(row.kind, row.object_id)]
            items.setdefault(row.package_id, []).append({"kind": MEMBER_NOUNS[row.kind], "item": item})
    return {
        "rows": [
            {"package": package, "items": items.get(package.pk, []), "scheduled": package.status == State.APPROVED}
            for package in packages
        ]
    }
