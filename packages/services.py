"""Creating and editing packages: every save a revision, every change audited.

The members of a package are its content: the release, documents and event it
holds, named in each revision. State changes are the engine's (``packages.workflow``).
An edit of an approved package takes it back to draft, as any edit does, and
takes each of its items that the package approved back to draft with it
(``engine.recall``), so that none goes out alone at the embargo.
"""

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from irportal.workflow import engine
from irportal.workflow.engine import EditConflict, WorkflowError
from irportal.workflow.models import State
from packages.models import MEMBER_NOUNS, MemberKind, Package, PackageMember
from packages.workflow import PACKAGE, members_of


class PackageError(WorkflowError):
    """A change that cannot be made; the message is written for the person who tried."""


def package_content(package: Package) -> dict:
    return {
        "title": package.title,
        "note": package.note,
        "members": [
            {"kind": member.spec.kind, "id": member.item.pk, "title": str(member.item)}
            for member in members_of(package)
        ],
    }


def _check_joinable(members: list[tuple[str, int]]) -> None:
    """Only items that were never public, and are not withdrawn, go out with a package."""
    for kind, pk in members:
        item = engine.spec_for(kind).model.objects.filter(pk=pk).first()
        if item is None:
            raise PackageError(gettext("There is no %(kind)s %(id)s.") % {"kind": MEMBER_NOUNS[kind], "id": pk})
        if item.first_published_at is not None or item.live_revision_id is not None or item.status == State.WITHDRAWN:
            raise PackageError(
                gettext("The %(kind)s “%(item)s” was public already or is withdrawn: a package holds new items.")
                % {"kind": MEMBER_NOUNS[kind], "item": item}
            )


def _apply(package: Package, *, title: str, note: str, members: list[tuple[str, int]]) -> None:
    """Set the fields and the members (``(kind, id)`` in order) of the working copy, under the row lock."""
    _check_joinable(members)
    package.title, package.note = title, note
    package.full_clean(exclude=["created_by", "last_edited_by"])
    package.save()
    package.members.all().delete()
    try:
        with transaction.atomic():
            PackageMember.objects.bulk_create(
                [
                    PackageMember(package=package, kind=kind, object_id=pk, position=position)
                    for position, (kind, pk) in enumerate(members)
                ]
            )
    except IntegrityError:
        taken = PackageMember.objects.filter(
            kind__in=[kind for kind, _ in members], object_id__in=[pk for _, pk in members]
        ).exclude(package=package)
        names = ", ".join(
            gettext("%(kind)s %(id)s (in “%(package)s”)")
            % {"kind": MEMBER_NOUNS[row.kind], "id": row.object_id, "package": row.package}
            for row in taken.select_related("package")
        )
        raise PackageError(
            gettext("An item belongs to one package only; already in another: %(names)s.") % {"names": names}
        ) from None


def package_create(*, actor, title: str, note: str = "", members: list[tuple[str, int]]) -> Package:
    engine.require_permission(PACKAGE, actor=actor, verb="add")
    with transaction.atomic():
        package = Package(created_by=actor, last_edited_by=actor)
        _apply(package, title=title, note=note, members=members)
        engine.save_first_revision(PACKAGE, package, actor=actor, content_of=package_content)
    return package


def _recall_members(package: Package, previous, *, actor) -> None:
    """The items a package approved, back to draft with it: none goes out alone at the package's embargo."""
    # Kept with the audit entry of each item's recall: lazy, so that it is written in the primary language.
    reason = format_lazy(_("The package “{package}” was changed after its approval."), package=package)
    for member in previous:
        engine.recall(member.spec, pk=member.item.pk, actor=actor, reason=reason)


def _save(package_id: int, *, actor, base_version: int | None, action: str, note: str, data: dict, fields: dict):
    engine.require_permission(PACKAGE, actor=actor, verb="change", pk=package_id)
    with transaction.atomic():
        package = Package.objects.select_for_update().get(pk=package_id)
        if base_version is not None and package.version != base_version:
            raise EditConflict(package)
        was_approved = package.status == State.APPROVED and not package.is_due(timezone.now())
        previous = members_of(package)
        changed = engine.save_working_copy(
            PACKAGE,
            package,
            actor=actor,
            action=action,
            apply=lambda: _apply(package, **fields),
            content_of=package_content,
            note=note,
            data=data,
        )
        if changed and was_approved:
            _recall_members(package, previous, actor=actor)
    return package


def package_update(*, actor, pk: int, base_version: int | None, title: str, note: str, members) -> Package:
    """Save the edit as a new working revision; ``base_version`` is the revision the form was opened on."""
    fields = {"title": title, "note": note, "members": members}
    return _save(pk, actor=actor, base_version=base_version, action="package.edit", note="", data={}, fields=fields)


def package_restore(*, actor, pk: int, number: int) -> Package:
    """An older revision's title, note and items as the working copy again, as a new revision."""
    content = Package.objects.get(pk=pk).revisions.get(number=number).content
    fields = {
        "title": content["title"],
        "note": content["note"],
        "members": [(member["kind"], member["id"]) for member in content["members"]],
    }
    return _save(
        pk,
        actor=actor,
        base_version=None,
        action="package.restore",
        note=f"Restored from revision {number}",
        data={"restored_from": number},
        fields=fields,
    )


def package_for_announcement(*, actor, release, events) -> Package:
    """The announce page's choice: the new announcement and the events it announces, in one new package."""
    members = [(MemberKind.RELEASE, release.pk), *((MemberKind.EVENT, event.pk) for event in events)]
    return package_create(actor=actor, title=release.headline[:200], members=members)
