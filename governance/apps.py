from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GovernanceConfig(AppConfig):
    name = "governance"
    verbose_name = _("Governance: the board, management and committees")

    def ready(self):
        from django.db.models import Q

        from company import demo as company_demo
        from governance import workflow  # registers the workflow specs and the sweep parts
        from governance.console import CommitteeKind, PersonKind
        from governance.models import Committee, CommitteeRevision, Person, PersonPhoto, PersonRevision
        from irportal.accounts import roles
        from irportal.audit import retention
        from irportal.workflow import console
        from irportal.workflow.demo import demo_kind

        # A demo person or committee is not the company's disclosure: it goes with the demo content.
        was_public = (Q(first_published_at__isnull=False) | Q(status__in=["published", "withdrawn"])) & Q(is_demo=False)
        for model, revision, noun in ((Person, PersonRevision, "person"), (Committee, CommitteeRevision, "committee")):
            retention.protect(
                model,
                when=was_public,
                reason=f"a {noun} of the board or management that was public is part of the disclosure record",
                retained_from="first_published_at",
            )
            retention.protect(
                revision,
                when=Q(**{f"{noun}__first_published_at__isnull": False, f"{noun}__is_demo": False}),
                reason=f"the revisions of a {noun} that was public are part of the disclosure record",
            )
        retention.protect(
            PersonPhoto,
            when=Q(person__first_published_at__isnull=False, person__is_demo=False),
            reason="the photos of a person who was public are part of the disclosure record",
        )
        for name in ("person", "committee"):
            roles.grant(
                roles.IR_AUTHOR,
                *(f"governance.{verb}_{name}" for verb in ("view", "add", "change", "submit")),
            )
            roles.grant(
                roles.IR_APPROVER,
                *(f"governance.{verb}_{name}" for verb in ("view", "review", "publish", "withdraw")),
            )
            roles.grant(roles.COMPLIANCE_REVIEWER, f"governance.view_{name}")
            roles.grant(roles.IR_ADMIN, f"governance.view_{name}")
        console.register(PersonKind())
        console.register(CommitteeKind())
        # Removed before the documents (a committee names its charter).
        photos = ((PersonPhoto, "person"),)
        company_demo.register(demo_kind(workflow.PERSON, "people", order=10, files=photos, detach=("photo",)))
        company_demo.register(demo_kind(workflow.COMMITTEE, "committees", order=15))
