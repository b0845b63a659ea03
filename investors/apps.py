from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InvestorsConfig(AppConfig):
    """The public site, on top of every other app: its pages, feeds, sitemaps and the public cache."""

    name = "investors"
    verbose_name = _("Investor information")

    def ready(self):
        from events.selectors import scheduled_moments
        from governance.selectors import service_end_moments
        from investors import receivers, schedule
        from irportal.workflow.selectors import embargo_moments
        from stock.selectors import public_from_moments

        # Every kind of item lifts its embargo at publish_at (or its gate's opening).
        schedule.register("embargoes", embargo_moments)
        # Events start, end, and open and close their replay windows.
        schedule.register("events", scheduled_moments)
        # Dividends and splits are public from their announcement's second.
        schedule.register("stock", public_from_moments)
        # A director or an officer leaves the lists the day after their last day of service.
        schedule.register("governance", service_end_moments)
        receivers.connect()
