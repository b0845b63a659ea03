"""Packages on the staff console: the kind's form, content and calendar entries; its items are on its page."""

from dataclasses import dataclass

from django.db.models import Count
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy, pgettext_lazy

from irportal.workflow import engine
from irportal.workflow.console import CalendarEntry, Kind
from packages import services
from packages.forms import PackageForm
from packages.models import MEMBER_NOUNS, MemberKind
from packages.workflow import PACKAGE


@dataclass(frozen=True)
class MemberView:
    """One item of a package as its review screen shows it: what it is, where, its state and revision."""

    kind: str  # as a badge names it ("release")
    title: str
    url: str
    status: str
    revision: int | None
    content_hash: str
    publish_at: object
    public: bool


@dataclass(frozen=True)
class PackageDocument:
    title: str
    note: str
    members: list[MemberView]


def member_views(content: dict, now) -> list[MemberView]:
    views = []
    for entry in content["members"]:
        spec = engine.spec_for(entry["kind"])
        item = spec.model.objects.filter(pk=entry["id"]).first()
        if item is None:
            continue
        revision = item.revisions.filter(number=item.version).only("number", "content_hash").first()
        views.append(
            MemberView(
                kind=MEMBER_NOUNS[entry["kind"]],
                title=str(item),
                url=item.get_staff_url(),
                status=item.get_status_display(),
                revision=revision.number if revision else None,
                content_hash=revision.content_hash if revision else "",
                publish_at=item.publish_at,
                public=item.public_revision(now) is not None,
            )
        )
    return views


class PackageKind(Kind):
    workflow = PACKAGE
    slug = "packages"
    label = pgettext_lazy("kind of content", "package")
    label_plural = pgettext_lazy("kind of content", "packages")
    title_field = "title"
    date_field = "publish_at"
    search_fields = ("title", "note")
    form_class = PackageForm
    content_template = "staff/packages/_package.html"
    nav_order = 8
    diff_labels = {"title": pgettext_lazy("of a package", "Title"), "note": _("Note"), "members": _("Items")}

    def form(self, data=None, files=None, *, item=None):
        return PackageForm(data, files, package=item)

    def create(self, *, actor, form):
        return services.package_create(actor=actor, **form.service_fields())

    def update(self, *, actor, item, form, base_version):
        return services.package_update(actor=actor, pk=item.pk, base_version=base_version, **form.service_fields())

    def restore(self, *, actor, item, number):
        return services.package_restore(actor=actor, pk=item.pk, number=number)

    def document(self, item, revision, *, now):
        content = revision.content
        return PackageDocument(content["title"], content["note"], member_views(content, now))

    def field_text(self, name, value):
        if name == "members":
            return "\n".join(f"{MemberKind(member['kind']).label}: {member['title']}" for member in value)
        return None

    def calendar_entries(self, start, end):
        approved = self.calendar_items().filter(status="approved", publish_at__gte=start, publish_at__lt=end)
        return [
            CalendarEntry(
                item.publish_at,
                "embargo",
                format_lazy(
                    ngettext_lazy(
                        "{title} (package: {count} item goes public)",
                        "{title} (package: {count} items go public together)",
                        item.member_count,
                    ),
                    title=item.title,
                    count=item.member_count,
                ),
                self.url("detail", item),
                item=item,
            )
            for item in approved.annotate(member_count=Count("members")).order_by("publish_at")
        ]
