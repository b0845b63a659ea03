from celery import shared_task
from django.utils import timezone

from reports import thumbnails


@shared_task(
    name="reports.tasks.make_thumbnail",
    autoretry_for=(OSError,),
    retry_backoff=True,
    retry_backoff_max=60,
    max_retries=3,
    time_limit=120,
    soft_time_limit=100,
)
def make_thumbnail(file_id: int) -> str:
    return thumbnails.document_thumbnail_make(file_id=file_id)


@shared_task(name="reports.tasks.resume_thumbnails", time_limit=60, soft_time_limit=50)
def resume_thumbnails() -> int:
    """Beat, every minute: ask again for thumbnails a lost task or a stopped worker left pending."""
    due = thumbnails.thumbnails_to_resume(timezone.now())
    for file_id in due:
        make_thumbnail.delay(file_id)
    return len(due)
