from django.apps import AppConfig


class InvestorsConfig(AppConfig):
    """The public site, on top of every other app: its pages, feeds, sitemaps and the public cache."""

    name = "investors"
    verbose_name = "Investor information"

    def ready(self):
        from events.selectors import next_scheduled_change
        from governance.selectors import next_service_end
        from investors import receivers, schedule
        from irportal.workflow.selectors import next_embargo
        from stock.selectors import next_public_from

        # Releases and documents (and events) lift their embargoes at publish_at: one query for every kind.
        schedule.register("embargoes", next_embargo)
        schedule.register("events", next_scheduled_change)
        # Dividends and splits are public from their announcement's second.
        schedule.register("stock", next_public_from)
        # A director or an officer leaves the lists the day after their last day of service.
        schedule.register("governance", next_service_end)
        receivers.connect()
