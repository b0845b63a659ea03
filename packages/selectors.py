from django.utils import timezone
from django.utils.translation import gettext

from irportal.workflow.engine import spec_for
from packages.models import MEMBER_NOUNS, MemberKind, PackageMember


def published_with_package(kind: str, pk: int) -> bool:
    """Whether the item's first publication is its package's: the package is public and the item was public
    from no other moment than that of its first publication (a later correction is an item's own news)."""
    if kind not in MemberKind.values:
        return False
    row = PackageMember.objects.filter(kind=kind, object_id=pk).select_related("package").first()
    if row is None:
        return False
    now = timezone.now()
    package = row.package
    if package.public_revision(now) is None:
        return False
    item = (
        spec_for(kind)
        .model.objects.filter(pk=pk)
        .only("first_published_at", "last_published_at", "publish_at", "status")
        .first()
    )
    return item is not None and item.first_published_at == item.last_published_at


def own_packages_with_demo_members(limit: int = 3) -> list[str]:
    """A few of the company's own packages that hold a demo item (one query per kind of member)."""
    named = []
    for kind in MemberKind.values:
        demo_items = spec_for(kind).model.objects.filter(is_demo=True).values("pk")
        rows = PackageMember.objects.filter(kind=kind, object_id__in=demo_items, package__is_demo=False)
        named += [
            gettext("the package “%(package)s” holds a demo %(kind)s")
            % {"package": row.package, "kind": MEMBER_NOUNS[kind]}
            for row in rows.select_related("package")[:limit]
        ]
    return named[:limit]
