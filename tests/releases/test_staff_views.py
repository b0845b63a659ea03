import hashlib
import io
import struct
import zlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from irportal.audit.models import AuditEntry
from releases.models import Release, ReleaseAttachment, ReleaseImage
from tests.factories import make_release, release_fields, sign_in
from tests.reports import builders
from tests.reports.builders import blank_pdf, good_pdf

pytestmark = pytest.mark.django_db


def form_data(**overrides):
    data = release_fields(**overrides)
    return data | {
        "highlights": "\n".join(data["highlights"]),
        "release_date": data["release_date"].isoformat(),
    }


def image_upload(name="chart.png", image_format="PNG", size=(64, 48), **exif):
    buffer = io.BytesIO()
    image = Image.new("RGB", size, (10, 120, 200))
    options = {}
    if exif:
        data = Image.Exif()
        data[0x010F] = exif.get("make", "CameraMaker")
        options["exif"] = data
    image.save(buffer, format=image_format, **options)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type=f"image/{image_format.lower()}")


def png_bomb(width=50_000, height=50_000) -> bytes:
    """A tiny PNG that claims a huge canvas (the header is all that is read)."""

    def chunk(kind, body):
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 64))
        + chunk(b"IEND", b"")
    )


def test_author_creates_a_release_and_its_first_revision(client, company, author):
    sign_in(client, author)
    response = client.post(reverse("console:create", kwargs={"kind": "releases"}), form_data(slug="new-one"))
    release = Release.objects.get(slug="new-one")
    assert response.status_code == 302
    assert response["Location"] == release.get_staff_url()
    assert release.version == 1
    assert release.revisions.get().content["highlights"] == ["Revenue of $84.2 million", "Gross margin of 58.1%"]
    assert AuditEntry.objects.filter(action="release.create", object_id=str(release.pk)).count() == 1


def test_missing_field_is_a_form_error_and_nothing_is_saved(client, company, author):
    sign_in(client, author)
    response = client.post(reverse("console:create", kwargs={"kind": "releases"}), form_data(headline=""))
    assert response.status_code == 200
    assert "This field is required" in response.content.decode()
    assert not Release.objects.exists()
    assert not AuditEntry.objects.filter(action="release.create").exists()


def test_body_is_sanitised_on_save(client, company, author):
    sign_in(client, author)
    client.post(
        reverse("console:create", kwargs={"kind": "releases"}),
        form_data(
            slug="dirty",
            body='<p onclick="steal()">Text<script>alert(1)</script></p><table><tr><td>1</td></tr></table>',
        ),
    )
    body = Release.objects.get(slug="dirty").body
    assert "script" not in body and "onclick" not in body
    assert "<table>" in body and "<p>Text</p>" in body


def test_stale_form_gets_a_conflict_page_that_keeps_the_text(client, company, author):
    release = make_release(author)
    stale = release.version
    sign_in(client, author)
    client.post(
        reverse("console:edit", kwargs={"kind": "releases", "pk": release.pk}),
        form_data(slug=release.slug, headline="First editor wins") | {"base_version": stale},
    )
    response = client.post(
        reverse("console:edit", kwargs={"kind": "releases", "pk": release.pk}),
        form_data(slug=release.slug, headline="Second editor's careful wording") | {"base_version": stale},
    )
    assert response.status_code == 409
    page = response.content.decode()
    assert "Someone else saved this release" in page
    assert "Second editor&#x27;s careful wording" in page
    assert Release.objects.get(pk=release.pk).headline == "First editor wins"
    resubmitted = response.context["base_version"]
    assert int(resubmitted) == stale + 1


def test_image_upload_is_re_encoded_without_metadata_and_makes_a_revision(client, company, author):
    release = make_release(author)
    sign_in(client, author)
    response = client.post(
        reverse("console:operation", kwargs={"kind": "releases", "pk": release.pk, "operation": "add_image"}),
        {"image": image_upload("photo.jpg", "JPEG", (2400, 1200), make="SecretCam"), "alt_text": "Factory floor"},
    )
    assert response.status_code == 302
    image = ReleaseImage.objects.get()
    with Image.open(image.large.open("rb")) as large:
        assert large.size == (1600, 800)
        assert not large.getexif()
    assert Release.objects.get(pk=release.pk).version == 2
    assert AuditEntry.objects.filter(action="release.upload").count() == 1


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (SimpleUploadedFile("notes.png", b"this is not an image at all", content_type="image/png"), "not an image"),
        (SimpleUploadedFile("bomb.png", png_bomb(), content_type="image/png"), "pixels"),
        (image_upload("anim.gif", "GIF"), "not accepted"),
    ],
)
def test_bad_images_are_refused_with_a_message_and_nothing_changes(client, company, author, upload, message):
    release = make_release(author)
    sign_in(client, author)
    response = client.post(
        reverse("console:operation", kwargs={"kind": "releases", "pk": release.pk, "operation": "add_image"}),
        {"image": upload, "alt_text": "x"},
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not ReleaseImage.objects.exists()
    assert Release.objects.get(pk=release.pk).version == release.version


def test_oversized_image_is_refused(client, company, author, monkeypatch):
    monkeypatch.setattr("company.images.MAX_UPLOAD_BYTES", 100)
    release = make_release(author)
    sign_in(client, author)
    response = client.post(
        reverse("console:operation", kwargs={"kind": "releases", "pk": release.pk, "operation": "add_image"}),
        {"image": image_upload(), "alt_text": "x"},
    )
    assert response.status_code == 400
    assert "larger than" in response.content.decode()


def attach(client, release, upload):
    url = reverse("console:operation", kwargs={"kind": "releases", "pk": release.pk, "operation": "add_attachment"})
    return client.post(url, {"file": upload, "title": "Results"})


def test_an_attachment_is_checked_like_every_document(client, company, author):
    """The same checks as a financial document's: a file that only starts like a PDF is not one."""
    release = make_release(author)
    sign_in(client, author)
    fake = SimpleUploadedFile("results.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    response = attach(client, release, fake)
    assert response.status_code == 400
    assert "not a PDF, whatever its name says" in response.content.decode()
    stub = SimpleUploadedFile("results.pdf", b"%PDF-1.7\n%\xe2\xe3\n1 0 obj\n", content_type="application/pdf")
    assert "incomplete" in attach(client, release, stub).content.decode()
    assert not ReleaseAttachment.objects.exists()
    data = good_pdf()
    response = attach(client, release, SimpleUploadedFile("results.pdf", data, content_type="application/pdf"))
    assert response.status_code == 302
    stored = ReleaseAttachment.objects.get()
    assert (stored.sha256, stored.scan) == (hashlib.sha256(data).hexdigest(), "not_scanned")


def test_an_attachment_with_javascript_is_refused_and_the_refusal_is_a_security_event(client, company, author):
    release = make_release(author)
    sign_in(client, author)
    hostile = blank_pdf(build=builders.with_javascript)
    response = attach(client, release, SimpleUploadedFile("results.pdf", hostile, content_type="application/pdf"))
    assert response.status_code == 400
    assert "carries active content" in response.content.decode()
    assert not ReleaseAttachment.objects.exists()
    assert Release.objects.get(pk=release.pk).version == release.version
    entry = AuditEntry.objects.get(action="security.upload_refused")
    assert entry.actor_id == author.pk
    assert entry.data["name"] == "results.pdf" and entry.data["field"] == "file"
    assert entry.data["sha256"] == hashlib.sha256(hostile).hexdigest()
    assert "JavaScript" in " ".join(entry.data["reasons"])


def test_an_attachment_is_served_as_a_download_that_runs_nothing(client, company, author):
    release = make_release(author)
    sign_in(client, author)
    attach(client, release, SimpleUploadedFile("results.pdf", good_pdf(), content_type="application/pdf"))
    stored = ReleaseAttachment.objects.get()
    kwargs = {"kind": "releases", "pk": release.pk, "token": stored.token, "rendition": "file"}
    download = client.get(reverse("console:file", kwargs=kwargs))
    assert download["Content-Type"] == "application/pdf"
    assert download["Content-Disposition"].startswith("attachment;")
    assert download["X-Content-Type-Options"] == "nosniff"
    assert download["Content-Security-Policy"] == "default-src 'none'; sandbox"


def test_transition_not_allowed_in_the_state_is_a_clear_409(client, company, author, approver):
    release = make_release(author)
    sign_in(client, approver)
    response = client.post(
        reverse("console:transition", kwargs={"kind": "releases", "pk": release.pk, "transition": "publish"})
    )
    assert response.status_code == 409
    assert "cannot be published or scheduled now" in response.content.decode()


def test_unknown_transition_and_bad_date_are_4xx(client, company, author):
    release = make_release(author)
    sign_in(client, author)
    assert (
        client.post(
            reverse("console:transition", kwargs={"kind": "releases", "pk": release.pk, "transition": "teleport"})
        ).status_code
        == 404
    )
    response = client.post(
        reverse("console:transition", kwargs={"kind": "releases", "pk": release.pk, "transition": "submit"}),
        {"publish_at": "yesterday-ish"},
    )
    assert response.status_code == 400
    assert Release.objects.get(pk=release.pk).status == "draft"


def test_every_staff_view_of_an_unpublished_release_is_an_access_record(client, company, author):
    release = make_release(author)
    sign_in(client, author)
    for name in ["detail", "edit", "preview", "history"]:
        assert client.get(reverse(f"console:{name}", kwargs={"kind": "releases", "pk": release.pk})).status_code == 200
    views = list(AuditEntry.objects.filter(action="release.access").order_by("sequence").values_list("data", flat=True))
    assert [view["view"] for view in views] == ["detail", "edit", "preview", "history"]


def test_history_shows_a_readable_diff_and_restore_makes_a_new_revision(client, company, author):
    release = make_release(author)
    sign_in(client, author)
    client.post(
        reverse("console:edit", kwargs={"kind": "releases", "pk": release.pk}),
        form_data(slug=release.slug, headline="Halvorsen Reports Third Quarter Profit") | {"base_version": 1},
    )
    page = client.get(
        reverse("console:history", kwargs={"kind": "releases", "pk": release.pk}), {"a": 1, "b": 2}
    ).content.decode()
    assert "<del>Results</del>" in page and "<ins>Profit</ins>" in page
    assert (
        client.get(
            reverse("console:history", kwargs={"kind": "releases", "pk": release.pk}), {"a": 1, "b": 99}
        ).status_code
        == 200
    )
    response = client.post(reverse("console:restore", kwargs={"kind": "releases", "pk": release.pk, "number": 1}))
    assert response.status_code == 302
    release.refresh_from_db()
    assert (release.version, release.headline) == (3, "Halvorsen Instruments Reports Third Quarter Results")


def test_preview_is_the_public_page(client, company, author):
    release = make_release(author)
    sign_in(client, author)
    page = client.get(reverse("console:preview", kwargs={"kind": "releases", "pk": release.pk})).content.decode()
    assert "PHOENIX, Ariz., Nov. 30, 2026 (BUSINESS WIRE) --" in page
    assert "Preview of revision 1" in page


def test_edit_form_shows_highlights_one_per_line_and_saving_it_unchanged_changes_nothing(client, company, author):
    release = make_release(author)
    sign_in(client, author)
    page = client.get(reverse("console:edit", kwargs={"kind": "releases", "pk": release.pk}))
    form = page.context["form"]
    assert form["highlights"].value() == "Revenue of $84.2 million\nGross margin of 58.1%"
    data = {name: form[name].value() for name in form.fields if form[name].value() is not None}
    data["contacts"] = []
    data["base_version"] = page.context["base_version"]
    response = client.post(reverse("console:edit", kwargs={"kind": "releases", "pk": release.pk}), data)
    assert response.status_code == 302
    release.refresh_from_db()
    assert release.version == 1
    assert release.highlights == ["Revenue of $84.2 million", "Gross margin of 58.1%"]


def test_the_embargo_is_shown_and_read_in_the_company_time_zone(client, company, author):
    import datetime as dt

    release = make_release(author, publish_at=dt.datetime(2026, 11, 30, 23, 30, tzinfo=dt.UTC))
    sign_in(client, author)
    page = client.get(reverse("console:edit", kwargs={"kind": "releases", "pk": release.pk})).content.decode()
    assert 'value="2026-11-30T16:30"' in page  # 4:30 pm in Phoenix
    data = form_data(slug=release.slug, publish_at="2027-03-14T02:30") | {"base_version": release.version}
    assert client.post(reverse("console:edit", kwargs={"kind": "releases", "pk": release.pk}), data).status_code == 302
    release.refresh_from_db()
    assert release.publish_at == dt.datetime(2027, 3, 14, 9, 30, tzinfo=dt.UTC)  # Phoenix keeps standard time


@pytest.mark.parametrize("method", ["get", "post"])
def test_an_unknown_action_is_a_404(client, company, author, method):
    release = make_release(author)
    sign_in(client, author)
    response = getattr(client, method)(
        reverse("console:transition", kwargs={"kind": "releases", "pk": release.pk, "transition": "nonsense"})
    )
    assert response.status_code == 404
