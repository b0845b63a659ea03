"""Celery tasks of the stock pages: beat runs the configured price provider (``stock.services``)."""

from celery import shared_task

from stock import services


@shared_task(name="stock.tasks.prices_import", time_limit=300, soft_time_limit=280)
def prices_import() -> str:
    return services.prices_import()
