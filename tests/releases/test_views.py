import datetime as dt
import io

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from company.files import IMAGES, check_upload
from irportal.workflow.sweep import run_sweep
from releases.checks import CODES as EVERY_WARNING
from releases.workflow import release_withdraw

pytestmark = pytest.mark.django_db

HEADLINE = "Halvorsen Reports Record Third Quarter"


def png_bytes(size=(40, 30)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buffer, format="PNG")
    return buffer.getvalue()


def surfaces(client, release) -> dict[str, bool]:
    """Whether the release shows on each public surface."""
    detail = client.get(f"/investors/news/{release.slug}/")
    return {
        "detail": detail.status_code == 200 and HEADLINE in detail.content.decode(),
        "list": HEADLINE in client.get("/investors/news/").content.decode(),
        "feed": HEADLINE in client.get("/investors/news/feed/").content.decode(),
        "sitemap": f"/investors/news/{release.slug}/" in client.get("/sitemap-news.xml").content.decode(),
        "investor page": HEADLINE in client.get("/investors/").content.decode(),
    }


def test_one_second_before_the_embargo_every_surface_hides_the_release(client, embargoed):
    with time_machine.travel(embargoed.publish_at - dt.timedelta(seconds=1), tick=False):
        assert surfaces(client, embargoed) == dict.fromkeys(surfaces(client, embargoed), False)


def test_at_the_embargo_every_surface_shows_it_without_a_sweep(client, embargoed):
    with time_machine.travel(embargoed.publish_at, tick=False):
        shown = surfaces(client, embargoed)
    assert shown == dict.fromkeys(shown, True)
    embargoed.refresh_from_db()
    assert embargoed.status == "approved"


def test_unpublished_and_unknown_addresses_get_the_same_404(client, embargoed):
    hidden = client.get(f"/investors/news/{embargoed.slug}/")
    unknown = client.get("/investors/news/no-such-release/")
    assert hidden.status_code == unknown.status_code == 404
    assert hidden.content == unknown.content


def test_a_withdrawn_release_answers_410_with_a_notice(client, embargoed, approver):
    with time_machine.travel(embargoed.publish_at + dt.timedelta(minutes=1), tick=False):
        run_sweep()
        release_withdraw(release_id=embargoed.pk, actor=approver, reason="Issued in error")
        response = client.get(f"/investors/news/{embargoed.slug}/")
        assert response.status_code == 410
        assert "withdrew this release" in response.content.decode()
        assert HEADLINE not in client.get("/investors/news/").content.decode()
        assert HEADLINE not in client.get("/investors/news/feed/").content.decode()


def test_release_page_is_a_wire_release(client, embargoed):
    with time_machine.travel(embargoed.publish_at, tick=False):
        page = client.get(f"/investors/news/{embargoed.slug}/").content.decode()
    assert "PHOENIX, Ariz., Nov. 30, 2026 (BUSINESS WIRE) --" in page
    assert "<table>" in page
    assert "Revenue of $84.2 million" in page


def test_feed_is_rss_2(client, embargoed):
    with time_machine.travel(embargoed.publish_at, tick=False):
        response = client.get("/investors/news/feed/")
    assert response["Content-Type"].startswith("application/rss+xml")
    assert b'<rss version="2.0"' in response.content
    assert f"/investors/news/{embargoed.slug}/".encode() in response.content


def test_image_urls_are_hidden_until_the_embargo(client, company, author, approver):
    from releases.console import ReleaseKind
    from releases.workflow import release_approve, release_submit
    from tests.factories import make_release

    release = make_release(author, slug="with-image", headline=HEADLINE)
    upload = SimpleUploadedFile("chart.png", png_bytes(), content_type="image/png")
    add_image = {operation.name: operation for operation in ReleaseKind.operations}["add_image"]
    checked = check_upload(upload, accept=IMAGES)  # what the operation's form hands over
    add_image.perform(actor=author, item=release, data={"image": checked, "alt_text": "Revenue chart", "caption": ""})
    publish_at = dt.datetime(2030, 1, 2, 22, 0, tzinfo=dt.UTC)
    release_submit(release_id=release.pk, actor=author)
    release_approve(acknowledged=EVERY_WARNING, release_id=release.pk, actor=approver, publish_at=publish_at)
    token = release.images.get().token
    url = f"/investors/news/{release.slug}/files/{token}/large"
    with time_machine.travel(publish_at - dt.timedelta(seconds=1), tick=False):
        assert client.get(url).status_code == 404
    with time_machine.travel(publish_at, tick=False):
        response = client.get(url)
        assert response.status_code == 200
        assert b"".join(response.streaming_content).startswith(b"\x89PNG")


def test_news_archive_by_year_and_out_of_range_pages_answer(client, embargoed):
    with time_machine.travel(embargoed.publish_at, tick=False):
        year = embargoed.publish_at.year
        assert HEADLINE in client.get(f"/investors/news/?year={year}").content.decode()
        assert HEADLINE not in client.get(f"/investors/news/?year={year - 5}").content.decode()
        # A year no date can have (year 0) is ignored like any other malformed year: the whole archive.
        for malformed in ("0000", "20x6", "12345"):
            response = client.get(f"/investors/news/?year={malformed}")
            assert response.status_code == 200 and HEADLINE in response.content.decode()
        for page in ("999", "abc", "0", "-1"):
            response = client.get(f"/investors/news/?page={page}")
            assert response.status_code == 404
            assert "That page of the list does not exist; it has one page." in response.content.decode()
