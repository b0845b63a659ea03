from django.apps import AppConfig


class PackagesConfig(AppConfig):
    name = "packages"
    verbose_name = "Disclosure packages"

    def ready(self):
        from company import demo
        from irportal.accounts import dashboard, roles
        from irportal.workflow import console, engine
        from irportal.workflow.demo import demo_kind
        from packages import selectors, workflow
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
        demo.register(demo_kind(workflow.PACKAGE, "packages", order=5))  # before their members
        demo.register_reference("packages", selectors.own_packages_with_demo_members)
        dashboard.register(
            dashboard.Panel(
                "packages", "staff/dashboard/_packages.html", packages_going_out, "packages.view_package", order=15
            )
        )
        for kind in ("releases", "events", "documents"):
            console.extend(kind, review_panels=("staff/packages/_member_panel.html",))
