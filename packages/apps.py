from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PackagesConfig(AppConfig):
    name = "packages"
    verbose_name = _("Disclosure packages")

    def ready(self):
        from django.db.models import Q

        from company import demo
        from events import announce
        from irportal.accounts import dashboard, roles
        from irportal.audit import retention
        from irportal.workflow import console, engine
        from irportal.workflow.demo import demo_kind
        from packages import selectors, services, workflow
        from packages.console import PackageKind
        from packages.dashboard import packages_going_out
        from packages.models import Package, PackageRevision

        engine.register_guard(workflow.hold_members)
        retention.protect(
            Package,
            when=Q(first_published_at__isnull=False) | Q(status__in=["published", "withdrawn"]),
            reason="a package that was public is part of the disclosure record",
            retained_from="first_published_at",
        )
        retention.protect(
            PackageRevision,
            when=Q(package__first_published_at__isnull=False),
            reason="the revisions of a package that was public are part of the disclosure record",
        )
        roles.grant(
            roles.IR_AUTHOR,
            *("packages.view_package", "packages.add_package", "packages.change_package"),
            "packages.submit_package",
        )
        roles.grant(
            roles.IR_APPROVER,
            *("packages.view_package", "packages.review_package", "packages.publish_package"),
            "packages.withdraw_package",
        )
        roles.grant(roles.COMPLIANCE_REVIEWER, "packages.view_package")
        roles.grant(roles.IR_ADMIN, "packages.view_package")
        console.register(PackageKind())
        demo.register(demo_kind(workflow.PACKAGE, "packages", order=5))  # before their members
        demo.register_reference("packages", selectors.own_packages_with_demo_members)
        dashboard.register(
            dashboard.Panel(
                "packages", "staff/dashboard/_packages.html", packages_going_out, "packages.view_package", order=15
            )
        )
        announce.register_follow_up(
            announce.FollowUp(
                "package",
                _("Put the release and its events in one package"),
                _(
                    "They are then approved together and go public at the package's one embargo, to the second; "
                    "events already public cannot join."
                ),
                "packages.add_package",
                services.package_for_announcement,
            )
        )
        for kind in ("releases", "events", "documents"):
            console.extend(kind, review_panels=("staff/packages/_member_panel.html",))
