"""The first page of a document's main PDF, rendered once into a thumbnail, in the Celery worker.

Rendering is PDFium's (pypdfium2: Chrome's PDF engine, shipped in the wheel,
no system library needed), then the bitmap is re-encoded by Pillow as WebP:
the public is served an image this site made, never anything from the PDF.

``document_thumbnail_make`` is the action the task calls. It claims the file
with a conditional UPDATE (pending, fewer than ``MAX_ATTEMPTS`` tries), so a
task delivered twice, or two workers, make it once; the stored image is kept
only by the claim that marks it ready. A PDF PDFium cannot render is marked
failed with the reason, shown on the review screen. Beat's
``resume_thumbnails`` asks again for any thumbnail still pending after
``RETRY_AFTER`` (a task lost with its broker, or a worker that died), and
gives up after ``MAX_ATTEMPTS`` tries.
"""

import io
import logging
from datetime import timedelta

import pypdfium2 as pdfium
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from PIL import Image

from reports.models import DocumentFile
from reports.signals import thumbnail_changed

logger = logging.getLogger(__name__)

LONGEST_SIDE = 480
MAX_ATTEMPTS = 3
RETRY_AFTER = timedelta(minutes=2)
RESUME_BATCH = 100
Thumbnail = DocumentFile.Thumbnail


class RenderError(Exception):
    """The PDF's first page could not be rendered; the message says why, for the review screen."""


def render_first_page(data: bytes) -> bytes:
    """The first page as a WebP image at most ``LONGEST_SIDE`` pixels on its longest side."""
    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        raise RenderError(f"PDFium could not open the file ({exc}).") from None
    try:
        if len(pdf) == 0:
            raise RenderError("The PDF has no pages.")
        page = pdf[0]
        width, height = page.get_size()
        if width <= 0 or height <= 0:
            raise RenderError("The first page has no size.")
        # Twice the final size, then scaled down by Pillow: sharper text than rendering at the final size.
        scale = min(2 * LONGEST_SIDE / max(width, height), 8.0)
        bitmap = page.render(scale=scale)
        picture = bitmap.to_pil().convert("RGB")
    except pdfium.PdfiumError as exc:
        raise RenderError(f"PDFium could not render the first page ({exc}).") from None
    finally:
        pdf.close()
    picture.thumbnail((LONGEST_SIDE, LONGEST_SIDE), Image.Resampling.LANCZOS)
    buffer = io.BytesIO()
    picture.save(buffer, format="WEBP", quality=80, method=4)
    return buffer.getvalue()


def _announce(file_id: int) -> None:
    transaction.on_commit(lambda: thumbnail_changed.send(sender=DocumentFile, file_id=file_id))


def _claim(file_id: int, now) -> bool:
    return bool(
        DocumentFile.objects.filter(
            pk=file_id, thumbnail_state=Thumbnail.PENDING, thumbnail_attempts__lt=MAX_ATTEMPTS
        ).update(thumbnail_attempts=F("thumbnail_attempts") + 1, thumbnail_requested_at=now)
    )


def _fail(file_id: int, reason: str) -> None:
    if DocumentFile.objects.filter(pk=file_id, thumbnail_state=Thumbnail.PENDING).update(
        thumbnail_state=Thumbnail.FAILED, thumbnail_error=reason[:300]
    ):
        _announce(file_id)


def document_thumbnail_make(*, file_id: int) -> str:
    """Make the thumbnail of one file if it is still wanted; returns the state it is left in."""
    if not _claim(file_id, timezone.now()):
        return DocumentFile.objects.filter(pk=file_id).values_list("thumbnail_state", flat=True).first() or "gone"
    stored = DocumentFile.objects.get(pk=file_id)
    with stored.file.open("rb") as source:
        data = source.read()
    try:
        image = render_first_page(data)
    except RenderError as exc:
        _fail(file_id, str(exc))
        return Thumbnail.FAILED
    name = stored.thumbnail.storage.save(f"document-thumbnails/{stored.token}.webp", ContentFile(image))
    with transaction.atomic():
        made = DocumentFile.objects.filter(pk=file_id, thumbnail_state=Thumbnail.PENDING).update(
            thumbnail=name, thumbnail_state=Thumbnail.READY, thumbnail_error=""
        )
        if made:
            _announce(file_id)
    if not made:  # another run finished first: keep its image, not this one
        stored.thumbnail.storage.delete(name)
    return Thumbnail.READY


def thumbnails_to_resume(now) -> list[int]:
    """Pending thumbnails nobody has tried for ``RETRY_AFTER``; those out of tries are marked failed."""
    stale = DocumentFile.objects.filter(
        thumbnail_state=Thumbnail.PENDING, thumbnail_requested_at__lt=now - RETRY_AFTER
    ).order_by("thumbnail_requested_at")
    for file_id in stale.filter(thumbnail_attempts__gte=MAX_ATTEMPTS).values_list("pk", flat=True)[:RESUME_BATCH]:
        _fail(file_id, f"The first page could not be rendered in {MAX_ATTEMPTS} tries (the worker stopped each time).")
    due = list(stale.filter(thumbnail_attempts__lt=MAX_ATTEMPTS).values_list("pk", flat=True)[:RESUME_BATCH])
    DocumentFile.objects.filter(pk__in=due).update(thumbnail_requested_at=now)
    return due
