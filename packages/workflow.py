"""Packages in the approval workflow: the package's spec, which knows its members, and the rule that holds them.

The engine makes each transition of a package the same transition of each of its
members in one transaction (``WorkflowSpec.members``). While a package holds its
members (in review, or approved and not yet public), a member is not submitted,
reviewed, scheduled, published, withdrawn or (once the package is approved) edited
alone: the engine asks ``hold_members`` and refuses, audited, with the reason.
"""

from django.utils import timezone
from django.utils.functional import lazy
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from company.timefmt import datetime_text, utc_datetime
from irportal.workflow import engine, sweep
from irportal.workflow.checks import Check
from irportal.workflow.engine import Member, WorkflowSpec, member_code
from irportal.workflow.models import State
from packages.models import MemberKind, Package, PackageMember
from releases.checks import lazy_lower

# How a refusal names the item refused (its messages are lazy: the audit log keeps them in the primary language).
THIS_ITEM = {
    MemberKind.RELEASE: _("This release"),
    MemberKind.DOCUMENT: _("This document"),
    MemberKind.EVENT: _("This event"),
}


def members_of(package: Package) -> list[Member]:
    """The members of the package's working copy, loaded, in the package's order (a query per kind)."""
    rows = list(PackageMember.objects.filter(package=package).order_by("position", "pk"))
    loaded = {}
    for kind in {row.kind for row in rows}:
        spec = engine.spec_for(kind)
        ids = [row.object_id for row in rows if row.kind == kind]
        loaded.update({(kind, pk): Member(spec, item) for pk, item in spec.model.objects.in_bulk(ids).items()})
    return [loaded[(row.kind, row.object_id)] for row in rows if (row.kind, row.object_id) in loaded]


def _member_checks(package: Package, member: Member, now) -> list[Check]:
    item, name = member.item, member.label
    if item.status == State.WITHDRAWN:
        message = format_lazy(_("{name} is withdrawn; take it out of the package."), name=name)
        return [Check(member_code(member, "withdrawn"), message, True)]
    if item.live_revision_id is not None or item.is_due(now):
        message = format_lazy(
            _("{name} is public already; only items not yet public go out with a package. Take it out."), name=name
        )
        return [Check(member_code(member, "public"), message, True)]
    if package.status == State.IN_REVIEW and (
        item.status != State.IN_REVIEW or item.current_step_id != package.current_step_id
    ):
        message = format_lazy(
            _(
                "{name} is {state}, not in review at this step with the package (it was changed or decided on its "
                "own): request changes on the package and submit it again."
            ),
            name=name,
            state=lazy_lower(item.get_status_display()),
        )
        return [Check(member_code(member, "not_in_step"), message, True)]
    # The member's own checks, with the package's embargo: it goes public then.
    own = engine.checks_for_member(member, package.publish_at)
    return [
        Check(
            member_code(member, check.code),
            format_lazy(_("{name}: {message}"), name=name, message=check.message),
            check.blocking,
        )
        for check in own
    ]


def package_checks(package: Package) -> list[Check]:
    """Blockers and warnings of the package: its own, then each member's, named by the member."""
    members = members_of(package)
    if not members:
        return [Check("no_members", _("The package has no items yet: add the items that go out together."), True)]
    if not any(member.spec.kind == MemberKind.RELEASE for member in members):
        message = _("The package has no release: its documents and event go out without a release announcing them.")
        checks = [Check("no_release", message)]
    else:
        checks = []
    now = timezone.now()
    for member in members:
        checks += _member_checks(package, member, now)
    return checks


def package_of(kind: str, pk: int) -> Package | None:
    row = PackageMember.objects.filter(kind=kind, object_id=pk).select_related("package").first()
    return row.package if row is not None else None


# No text per language: a package's title is for the team, never shown to the public; its members are each
# written in every disclosure language.
PACKAGE = engine.register(
    WorkflowSpec(kind="package", model=Package, checks=package_checks, members=members_of, group_of=package_of)
)


def _when(moment) -> str:
    return f"{datetime_text(timezone.localtime(moment))} ({utc_datetime(moment)})"


lazy_when = lazy(_when, str)


def hold_members(spec: WorkflowSpec, item, transition: str) -> str | None:
    """Why ``transition`` of ``item`` may not be made alone: it is a member of a package holding it; else None.

    A package in review or scheduled holds every transition of its items (an edit only once it is approved);
    a public package holds their withdrawal."""
    if spec.kind not in MemberKind.values:
        return None
    package = package_of(spec.kind, item.pk)
    if package is None:
        return None
    name = THIS_ITEM[spec.kind]
    now = timezone.now()
    if package.public_revision(now) is not None:
        if transition != "withdraw":
            return None  # a correction of a published item passes the workflow on its own
        return format_lazy(
            _(
                "{name} went public with the package “{package}”, and its items are withdrawn together: withdraw "
                "the package, on its page. Nothing was changed."
            ),
            name=name,
            package=package,
        )
    if package.status not in (State.IN_REVIEW, State.APPROVED):
        return None
    if package.status == State.IN_REVIEW:
        if transition == "edit":
            return None  # the edit sends it back to draft, and the package's approval waits for it
        return format_lazy(
            _(
                "{name} is in review with the package “{package}”: it is approved, sent back, scheduled and "
                "published together with the package's other items, on the package's page."
            ),
            name=name,
            package=package,
        )
    if package.publish_at:
        when = format_lazy(_("scheduled for {when}"), when=lazy_when(package.publish_at))
    else:
        when = _("approved, not yet scheduled")
    if transition == "edit":
        return format_lazy(
            _(
                "{name} goes out with the package “{package}”, {when}, exactly as approved. To change it, edit the "
                "package first: that takes the package and its items back to draft."
            ),
            name=name,
            package=package,
            when=when,
        )
    return format_lazy(
        _(
            "{name} goes out with the package “{package}”, {when}: its items are published, rescheduled and "
            "withdrawn together, on the package's page. Nothing was changed."
        ),
        name=name,
        package=package,
        when=when,
    )


def packages_publish_due(now) -> list[int]:
    return engine.publish_due(PACKAGE, now=now)


def packages_oldest_due(now):
    return engine.oldest_publish_due(PACKAGE, now=now)


sweep.register("packages.publish", packages_publish_due, oldest_due=packages_oldest_due)
