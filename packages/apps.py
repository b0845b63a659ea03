from django.apps import AppConfig


class PackagesConfig(AppConfig):
    name = "packages"
    verbose_name = "Disclosure packages"

    def ready(self):
        from events import announce
        from irportal.accounts import dashboard, roles
        from irportal.workflow import console, engine
        from packages import services, workflow
        from packages.console import PackageKind
        from packages.dashboard import packages_going_out

        engine.register_guard(workflow.hold_members)
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
        dashboard.register(
            dashboard.Panel(
                "packages", "staff/dashboard/_packages.html", packages_going_out, "packages.view_package", order=15
            )
        )
        announce.register_follow_up(
            announce.FollowUp(
                "package",
                "Put the release and its events in one package",
                "They are then approved together and go public at the package's one embargo, to the second; "
                "events already public cannot join.",
                "packages.add_package",
                services.package_for_announcement,
            )
        )
        for kind in ("releases", "events", "documents"):
            console.extend(kind, review_panels=("staff/packages/_member_panel.html",))
