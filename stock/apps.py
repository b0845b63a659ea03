from datetime import timedelta

from django.apps import AppConfig


class StockConfig(AppConfig):
    """The company's share: prices through a provider, dividends, splits and analysts (needs only company)."""

    name = "stock"
    verbose_name = "Stock information"

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

        register_action("stock.prices_import", "Imported share prices")
        for content in demo.demo_stock():
            company_demo.register(content)
        for name, label in (("dividend", "dividend"), ("split", "stock split"), ("analyst", "analyst coverage")):
            register_action(f"stock.{name}_create", f"Added a {label}")
            register_action(f"stock.{name}_update", f"Changed a {label}")
            register_action(f"stock.{name}_delete", f"Removed a {label}")
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
        navigation.register(navigation.NavItem("Stock", "stock_console:prices", "stock.view_dailyprice", order=45))
        imports.register(
            imports.Source(
                name=services.SOURCE,
                label="Share prices",
                active=lambda: providers.configured_provider() is not None,
                stale_after=lambda: timedelta(seconds=settings.STOCK_PRICES_STALE_SECONDS),
            )
        )
