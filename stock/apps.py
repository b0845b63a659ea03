from datetime import timedelta

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StockConfig(AppConfig):
    """The company's share: prices through a provider, dividends, splits and analysts (needs only company)."""

    name = "stock"
    verbose_name = _("Stock information")

    def ready(self):
        from django.conf import settings
        from django.db.models import Q
        from django.db.models.functions import Now

        from company import demo as company_demo
        from irportal.accounts import navigation, roles
        from irportal.audit import retention
        from irportal.audit.registry import register_action
        from irportal.ops import imports
        from stock import demo, providers, services, tasks  # noqa: F401 - tasks registers the task
        from stock.models import Dividend, StockSplit

        register_action("stock.prices_import", _("Imported share prices"))
        for content in demo.demo_stock():
            company_demo.register(content)
        for name, labels in (
            ("dividend", (_("Added a dividend"), _("Changed a dividend"), _("Removed a dividend"))),
            ("split", (_("Added a stock split"), _("Changed a stock split"), _("Removed a stock split"))),
            (
                "analyst",
                (_("Added an analyst coverage"), _("Changed an analyst coverage"), _("Removed an analyst coverage")),
            ),
        ):
            for verb, label in zip(("create", "update", "delete"), labels, strict=True):
                register_action(f"stock.{name}_{verb}", label)
        for model, what in ((Dividend, "a dividend"), (StockSplit, "a stock split")):
            retention.protect(
                model,
                when=Q(public_from__lte=Now()),
                reason=f"{what} that was public is part of the disclosure record; correct it instead",
                retained_from="public_from",
            )
        registers = ("dividend", "stocksplit", "analystcoverage")
        editing = [f"stock.{verb}_{model}" for model in registers for verb in ("view", "add", "change", "delete")]
        roles.grant(roles.IR_AUTHOR, "stock.view_dailyprice", *editing)
        roles.grant(roles.IR_ADMIN, "stock.view_dailyprice", "stock.add_dailyprice", *editing)
        reading = ["stock.view_dailyprice", *(f"stock.view_{model}" for model in registers)]
        roles.grant(roles.IR_APPROVER, *reading)
        roles.grant(roles.COMPLIANCE_REVIEWER, *reading)
        navigation.register(navigation.NavItem(_("Stock"), "stock_console:prices", "stock.view_dailyprice", order=45))
        imports.register(
            imports.Source(
                name=services.SOURCE,
                label=_("Share prices"),
                active=lambda: providers.configured_provider() is not None,
                stale_after=lambda: timedelta(seconds=settings.STOCK_PRICES_STALE_SECONDS),
            )
        )
