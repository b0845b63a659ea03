"""Image uploads: checked, re-encoded without metadata, and cut into renditions once.

Only JPEG, PNG and WebP are accepted; the pixel count is checked from the
header before anything is decoded, so a decompression bomb is refused
without being expanded.
"""

import io
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.translation import gettext_lazy as _
from PIL import Image, UnidentifiedImageError

from company.numfmt import number

ALLOWED_FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}
MAX_UPLOAD_BYTES = 15 * 1024 * 1024
MAX_PIXELS = 40_000_000
RENDITIONS = {"large": 1600, "thumbnail": 400}


@dataclass
class ProcessedImage:
    extension: str
    renditions: dict[str, ContentFile]
    sizes: dict[str, tuple[int, int]]


def process_image(upload) -> ProcessedImage:
    if upload.size > MAX_UPLOAD_BYTES:
        raise ValidationError(
            _("The image is larger than %(limit)s MB."), params={"limit": MAX_UPLOAD_BYTES // (1024 * 1024)}
        )
    try:
        with Image.open(upload) as probe:
            image_format = probe.format
            width, height = probe.size
    except Image.DecompressionBombError:
        raise ValidationError(
            _("The image has far more pixels than the limit of %(limit)s pixels."),
            params={"limit": number(MAX_PIXELS, 0)},
        ) from None
    except ValueError:
        # Pillow refuses PNG text or colour-profile chunks that decompress past its limits (MAX_TEXT_CHUNK,
        # MAX_TEXT_MEMORY in PngImagePlugin) rather than expand them.
        raise ValidationError(
            _("The image carries oversized embedded text or colour-profile data; save it again without metadata.")
        ) from None
    except (UnidentifiedImageError, OSError):
        raise ValidationError(_("This file is not an image this site accepts (JPEG, PNG or WebP).")) from None
    if image_format not in ALLOWED_FORMATS:
        raise ValidationError(
            _("%(format)s images are not accepted; use JPEG, PNG or WebP."), params={"format": image_format}
        )
    if width * height > MAX_PIXELS:
        raise ValidationError(
            _("The image is %(width)s by %(height)s pixels; the limit is %(limit)s pixels."),
            params={"width": width, "height": height, "limit": number(MAX_PIXELS, 0)},
        )
    upload.seek(0)
    try:
        with Image.open(upload) as source:
            source.load()
            image = source.convert("RGBA" if source.mode in {"RGBA", "LA", "P"} and image_format != "JPEG" else "RGB")
        # Pillow's encoders write what ``info`` holds (a JPEG comment, an ICC profile, PNG text): drop it all.
        image.info = {}
    except (OSError, ValueError, Image.DecompressionBombError):
        raise ValidationError(_("The image could not be read; it may be damaged.")) from None
    extension = ALLOWED_FORMATS[image_format]
    renditions, sizes = {}, {}
    for name, longest in RENDITIONS.items():
        copy = image.copy()
        copy.thumbnail((longest, longest), Image.Resampling.LANCZOS)
        buffer = io.BytesIO()
        # Saved with an empty ``info``: no EXIF, XMP, ICC profile, comment or text from the upload.
        copy.save(buffer, format=image_format, **_encoder_options(image_format))
        renditions[name] = ContentFile(buffer.getvalue())
        sizes[name] = copy.size
    return ProcessedImage(extension=extension, renditions=renditions, sizes=sizes)


def _encoder_options(image_format: str) -> dict:
    if image_format == "JPEG":
        return {"quality": 85, "optimize": True, "progressive": True}
    if image_format == "WEBP":
        return {"quality": 85, "method": 4}
    return {"optimize": True}
