from django.apps import AppConfig


class OpsConfig(AppConfig):
    """Running the site: heartbeats, structured logs and metrics. The bottom layer: it imports no app of ours.

    Apps above register the figures only they can compute (``metrics.register_collector``)
    in their own ``ready()``.
    """

    name = "irportal.ops"
    label = "ops"
    verbose_name = "Operations"

    def ready(self):
        from irportal.ops import heartbeat, imports, logs, metrics

        logs.connect_task_signals()
        metrics.register_collector("heartbeats", heartbeat.collect_metrics)
        metrics.register_collector("celery_queue", metrics.collect_queue_length)
        metrics.register_collector("imports", imports.collect_metrics)
