from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("Financial results, reports and presentations")

    def ready(self):
        from django.db.models import Q

        from company import demo as company_demo
        from irportal.accounts import roles
        from irportal.audit import retention
        from irportal.workflow import console
        from irportal.workflow.demo import demo_kind
        from reports import (
            tasks,  # noqa: F401 - registers the tasks before any worker or producer starts
            workflow,  # registers the workflow spec and the sweep part
        )
        from reports.console import DocumentKind
        from reports.models import Document, DocumentFile, DocumentRevision

        # A demo document is not the company's disclosure: it goes with the demo content.
        was_public = (Q(first_published_at__isnull=False) | Q(status__in=["published", "withdrawn"])) & Q(is_demo=False)
        retention.protect(
            Document,
            when=was_public,
            reason="a financial document that was public is part of the disclosure record",
            retained_from="first_published_at",
        )
        retention.protect(
            DocumentRevision,
            when=Q(document__first_published_at__isnull=False, document__is_demo=False),
            reason="the revisions of a document that was public are part of the disclosure record",
        )
        retention.protect(
            DocumentFile,
            when=Q(document__first_published_at__isnull=False, document__is_demo=False),
            reason="the files of a document that was public are part of the disclosure record",
        )

        roles.grant(
            roles.IR_AUTHOR,
            *("reports.view_document", "reports.add_document", "reports.change_document"),
            "reports.submit_document",
        )
        roles.grant(
            roles.IR_APPROVER,
            *("reports.view_document", "reports.review_document", "reports.publish_document"),
            "reports.withdraw_document",
        )
        roles.grant(roles.COMPLIANCE_REVIEWER, "reports.view_document")
        roles.grant(roles.IR_ADMIN, "reports.view_document")
        console.register(DocumentKind())
        company_demo.register(demo_kind(workflow.DOCUMENT, "documents", order=20, files=((DocumentFile, "document"),)))
