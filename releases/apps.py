from django.apps import AppConfig


class ReleasesConfig(AppConfig):
    name = "releases"
    verbose_name = "Press releases"

    def ready(self):
        from django.db.models import Q

        from irportal.accounts import navigation, roles
        from irportal.audit import retention
        from irportal.workflow import console
        from releases import workflow  # noqa: F401 - registers the workflow spec and the sweep part
        from releases.console import ReleaseKind
        from releases.models import Release, ReleaseRevision

        retention.protect(
            Release,
            when=Q(first_published_at__isnull=False) | Q(status__in=["published", "withdrawn"]),
            reason="a release that was public is part of the disclosure record",
            retained_from="first_published_at",
        )
        retention.protect(
            ReleaseRevision,
            when=Q(release__first_published_at__isnull=False),
            reason="the revisions of a release that was public are part of the disclosure record",
        )

        roles.grant(
            roles.IR_AUTHOR,
            *("releases.view_release", "releases.add_release", "releases.change_release", "releases.submit_release"),
            *("releases.view_mediacontact", "releases.add_mediacontact", "releases.change_mediacontact"),
            "releases.view_boilerplate",
        )
        roles.grant(
            roles.IR_APPROVER,
            *("releases.view_release", "releases.review_release", "releases.publish_release"),
            *("releases.withdraw_release", "releases.view_mediacontact", "releases.view_boilerplate"),
        )
        roles.grant(roles.COMPLIANCE_REVIEWER, "releases.view_release")
        roles.grant(
            roles.IR_ADMIN,
            *("releases.view_release", "releases.view_mediacontact", "releases.add_mediacontact"),
            *("releases.change_mediacontact", "releases.view_boilerplate", "releases.add_boilerplate"),
            "releases.change_boilerplate",
        )
        console.register(ReleaseKind())
        navigation.register(navigation.NavItem("Contacts", "releases:contacts", "releases.view_mediacontact", order=30))
        navigation.register(
            navigation.NavItem("Boilerplates", "releases:boilerplates", "releases.view_boilerplate", order=40)
        )
