from datetime import timedelta

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FilingsConfig(AppConfig):
    """The company's SEC filings, imported from EDGAR for the CIK on the company profile (needs only company)."""

    name = "filings"
    verbose_name = _("SEC filings")

    def ready(self):
        from django.conf import settings

        from company.models import CompanyProfile
        from filings import services, tasks  # noqa: F401 - registers the task before any worker or producer starts
        from irportal.accounts import dashboard
        from irportal.ops import imports

        def has_cik() -> bool:
            return bool(CompanyProfile.objects.filter(pk=CompanyProfile.SINGLETON_PK).exclude(cik="").exists())

        # The IR Admin's panel on the dashboard: every configured import from an outside service (EDGAR, prices).
        dashboard.register(
            dashboard.Panel(
                "imports",
                "staff/dashboard/_imports.html",
                lambda user, now: {"imports": imports.active_statuses(now)},
                permission="company.change_companyprofile",
                order=65,
            )
        )
        imports.register(
            imports.Source(
                name=services.SOURCE,
                label=_("SEC filings from EDGAR"),
                active=has_cik,
                stale_after=lambda: timedelta(seconds=settings.EDGAR_STALE_SECONDS),
            )
        )
