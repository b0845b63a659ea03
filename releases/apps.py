from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReleasesConfig(AppConfig):
    name = "releases"
    verbose_name = _("Press releases")

    def ready(self):
        from django.db.models import Q

        from company import demo
        from irportal.accounts import navigation, roles
        from irportal.audit import retention
        from irportal.workflow import console
        from irportal.workflow.demo import demo_kind
        from releases import setup, workflow  # noqa: F401 - register the set-up steps, the workflow spec, the sweep
        from releases.console import ReleaseKind
        from releases.models import (
            Boilerplate,
            BoilerplateVersion,
            MediaContact,
            Release,
            ReleaseAttachment,
            ReleaseImage,
            ReleaseRevision,
        )

        # A demo release is not the company's disclosure: it goes with the demo content.
        retention.protect(
            Release,
            when=(Q(first_published_at__isnull=False) | Q(status__in=["published", "withdrawn"])) & Q(is_demo=False),
            reason="a release that was public is part of the disclosure record",
            retained_from="first_published_at",
        )
        retention.protect(
            ReleaseRevision,
            when=Q(release__first_published_at__isnull=False, release__is_demo=False),
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
        files = ((ReleaseImage, "release"), (ReleaseAttachment, "release"))
        demo.register(demo_kind(workflow.RELEASE, "releases", order=40, files=files))
        versions = ((BoilerplateVersion, "boilerplate"),)
        demo.register(demo.demo_rows(Boilerplate, "boilerplates", order=45, through=versions))
        demo.register(demo.demo_rows(MediaContact, "contacts", order=45))
        navigation.register(
            navigation.NavItem(_("Contacts"), "releases:contacts", "releases.view_mediacontact", order=30)
        )
        navigation.register(
            navigation.NavItem(_("Boilerplates"), "releases:boilerplates", "releases.view_boilerplate", order=40)
        )
