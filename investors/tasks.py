"""Celery tasks of the public site."""

from celery import shared_task

from investors import cache


@shared_task(name="investors.tasks.warm_public_pages", time_limit=60, soft_time_limit=50)
def warm_public_pages() -> list[tuple[str, int]]:
    return cache.warm_public_pages()
