"""The first page of the main PDF becomes a thumbnail once; a failure says why; lost work is asked for again."""

import datetime as dt
import io

import pytest
from django.utils import timezone
from PIL import Image

from reports import thumbnails
from reports.models import DocumentFile
from reports.thumbnails import MAX_ATTEMPTS, document_thumbnail_make, thumbnails_to_resume
from tests.reports.builders import good_slides, make_document

pytestmark = pytest.mark.django_db


def test_the_first_page_becomes_a_webp_thumbnail_once(company, author):
    document = make_document(author, pdf=good_slides(), kind="presentation")
    stored = document.files.get()
    assert document_thumbnail_make(file_id=stored.pk) == "ready"
    stored.refresh_from_db()
    with stored.thumbnail.open("rb") as made:
        image = Image.open(io.BytesIO(made.read()))
        assert image.format == "WEBP" and image.width == 480 and 268 <= image.height <= 272  # a 16:9 slide
    name = stored.thumbnail.name
    # A second delivery of the task changes nothing.
    assert document_thumbnail_make(file_id=stored.pk) == "ready"
    stored.refresh_from_db()
    assert (stored.thumbnail.name, stored.thumbnail_attempts) == (name, 1)


def test_a_pdf_pdfium_cannot_render_is_marked_failed_with_the_reason(company, author, monkeypatch, client):
    from tests.factories import sign_in

    document = make_document(author)
    stored = document.files.get()

    def unreadable(data):
        raise thumbnails.RenderError("PDFium could not render the first page (Data format error).")

    monkeypatch.setattr(thumbnails, "render_first_page", unreadable)
    assert document_thumbnail_make(file_id=stored.pk) == "failed"
    stored.refresh_from_db()
    assert stored.thumbnail_state == "failed" and "Data format error" in stored.thumbnail_error
    sign_in(client, author)
    review = client.get(document.get_staff_url()).content.decode()
    assert "No thumbnail could be made: PDFium could not render the first page (Data format error)." in review


def test_the_real_renderer_names_what_it_cannot_open():
    with pytest.raises(thumbnails.RenderError, match="PDFium could not open the file"):
        thumbnails.render_first_page(b"%PDF-1.7\nnot really\n%%EOF\n")


def test_beat_asks_again_for_pending_thumbnails_and_gives_up_after_the_last_try(company, author):
    document = make_document(author)
    stored = document.files.get()
    now = timezone.now()
    assert thumbnails_to_resume(now) == []  # just asked for
    later = now + thumbnails.RETRY_AFTER + dt.timedelta(seconds=1)
    assert thumbnails_to_resume(later) == [stored.pk]
    assert thumbnails_to_resume(later) == []  # asked again just now
    DocumentFile.objects.filter(pk=stored.pk).update(thumbnail_attempts=MAX_ATTEMPTS)
    assert thumbnails_to_resume(later + thumbnails.RETRY_AFTER * 2) == []
    stored.refresh_from_db()
    assert stored.thumbnail_state == "failed"
    assert f"could not be rendered in {MAX_ATTEMPTS} tries" in stored.thumbnail_error
