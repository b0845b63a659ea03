"""Image uploads: oversized PNG text and colour-profile chunks are a form error; metadata is gone after re-encoding."""

import io
import struct
import zlib

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, PngImagePlugin

from company.images import process_image


def _chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)


def png_with(kind: bytes, body: bytes) -> SimpleUploadedFile:
    """A small valid PNG with one extra chunk before the image data."""
    buffer = io.BytesIO()
    Image.new("RGB", (32, 24), (10, 120, 200)).save(buffer, format="PNG")
    data = buffer.getvalue()
    at = data.index(b"IDAT") - 4
    return SimpleUploadedFile("chart.png", data[:at] + _chunk(kind, body) + data[at:], content_type="image/png")


MEGABYTES = zlib.compress(b"A" * (8 * 1024 * 1024), 9)


@pytest.mark.parametrize(
    ("kind", "body"),
    [
        (b"zTXt", b"Comment\x00\x00" + MEGABYTES),
        (b"iTXt", b"Comment\x00\x01\x00\x00\x00" + MEGABYTES),
        (b"iCCP", b"profile\x00\x00" + MEGABYTES),
    ],
)
def test_a_png_whose_chunks_decompress_to_megabytes_is_a_form_error(kind, body):
    with pytest.raises(ValidationError, match="oversized embedded text or colour-profile"):
        process_image(png_with(kind, body))


def test_jpeg_comments_and_exif_are_gone_after_re_encoding():
    buffer = io.BytesIO()
    exif = Image.Exif()
    exif[0x010F] = "CameraMaker"
    Image.new("RGB", (64, 48), (200, 10, 10)).save(buffer, format="JPEG", comment=b"internal: Q3 draft", exif=exif)
    processed = process_image(SimpleUploadedFile("photo.jpg", buffer.getvalue(), content_type="image/jpeg"))
    for rendition in processed.renditions.values():
        data = rendition.read()
        assert b"internal: Q3 draft" not in data and b"CameraMaker" not in data
        with Image.open(io.BytesIO(data)) as image:
            assert "comment" not in image.info and "exif" not in image.info


def test_png_icc_profiles_and_text_are_gone_after_re_encoding():
    buffer = io.BytesIO()
    text = PngImagePlugin.PngInfo()
    text.add_text("Comment", "internal: Q3 draft")
    profile = b"\x00" * 128 + b"acsp" + b"\x00" * 300
    Image.new("RGB", (64, 48), (10, 200, 10)).save(buffer, format="PNG", pnginfo=text, icc_profile=profile)
    processed = process_image(SimpleUploadedFile("chart.png", buffer.getvalue(), content_type="image/png"))
    for rendition in processed.renditions.values():
        data = rendition.read()
        assert b"iCCP" not in data and b"tEXt" not in data and b"internal" not in data
