from django.apps import AppConfig


class InvestorsConfig(AppConfig):
    """The public site, on top of every other app: its pages, feeds, sitemaps and the public cache."""

    name = "investors"
    verbose_name = "Investor information"

    def ready(self):
        from events.selectors import next_scheduled_change
        from investors import receivers, schedule
        from releases.selectors import next_publication

        schedule.register("releases", next_publication)
        schedule.register("events", next_scheduled_change)
        receivers.connect()
