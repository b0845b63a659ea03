"""Celery tasks of the filings: beat starts one EDGAR import run a minute (``filings.services``)."""

from celery import shared_task

from filings import services


@shared_task(name="filings.tasks.edgar_import", time_limit=300, soft_time_limit=280)
def edgar_import() -> dict:
    report = services.edgar_import()
    return {"skipped": report.skipped, "requests": report.requests, "stored": report.stored, "error": report.error}
