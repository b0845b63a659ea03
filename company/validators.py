import re
import zoneinfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator, URLValidator
from django.utils.translation import get_language_info
from django.utils.translation import gettext_lazy as _

ticker_validator = RegexValidator(r"^[A-Z][A-Z0-9.\-]{0,9}$", _("Use the exchange symbol in capitals, e.g. EXMP."))

_CIK = re.compile(r"^[0-9]{1,10}$")


def normalize_cik(value: str) -> str:
    """A Central Index Key as EDGAR's addresses spell it: ten digits, leading zeros added (``320193`` ->
    ``0000320193``); anything that is not one to ten digits is returned unchanged for the validator to refuse."""
    value = (value or "").strip()
    return value.zfill(10) if _CIK.match(value) else value


def validate_cik(value: str) -> None:
    """The SEC's Central Index Key of the company: one to ten digits, not zero."""
    if not _CIK.match(value or "") or int(value) == 0:
        raise ValidationError(
            _("Enter the company's Central Index Key (CIK) as EDGAR shows it: up to ten digits, e.g. 0000320193.")
        )


def validate_time_zone(value: str) -> None:
    try:
        zoneinfo.ZoneInfo(value)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise ValidationError(
            _("%(value)s is not a known time zone; use an IANA name such as America/New_York."),
            params={"value": value},
        ) from None


_HEX_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")
# WCAG 2.1 AA for normal text: the accent colours links and the company name on white.
MIN_CONTRAST_ON_WHITE = 4.5


def relative_luminance(colour: str) -> float:
    """WCAG 2.1 relative luminance of ``#rrggbb``."""
    channels = []
    for start in (1, 3, 5):
        value = int(colour[start : start + 2], 16) / 255
        channels.append(value / 12.92 if value <= 0.04045 else ((value + 0.055) / 1.055) ** 2.4)
    red, green, blue = channels
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def contrast_on_white(colour: str) -> float:
    return 1.05 / (relative_luminance(colour) + 0.05)


def validate_accent_colour(value: str) -> None:
    if not _HEX_COLOUR.match(value or ""):
        raise ValidationError(_("Enter the colour as #rrggbb, e.g. #0b5394."))
    contrast = contrast_on_white(value)
    if contrast < MIN_CONTRAST_ON_WHITE:
        raise ValidationError(
            _(
                "%(value)s is too light to read on white (contrast %(contrast).1f:1; at least 4.5:1 is needed). "
                "Choose a darker shade."
            ),
            params={"value": value, "contrast": contrast},
        )


def website_url(written: str) -> str:
    """A website as the company writes it (``www.example.com``) as a link: ``https://www.example.com``."""
    written = (written or "").strip()
    if not written or "://" in written:
        return written
    return f"https://{written}"


def validate_website(value: str) -> None:
    """A web address, with or without ``https://``: ``www.example.com``, ``example.com/investors``."""
    if not value:
        return
    scheme = value.split("://", 1)[0].lower() if "://" in value else "https"
    if scheme not in {"http", "https"} or any(character.isspace() for character in value):
        raise ValidationError(_("Enter the website's address, e.g. www.example.com."))
    try:
        URLValidator(schemes=["http", "https"])(website_url(value))
    except ValidationError:
        raise ValidationError(_("Enter the website's address, e.g. www.example.com.")) from None


def default_disclosure_languages() -> list[str]:
    """A new company discloses in the primary language only."""
    return [settings.LANGUAGE_CODE]


def validate_disclosure_languages(value) -> None:
    """The company's disclosure languages: codes of the site's languages, each once, the primary first."""
    known = dict(settings.LANGUAGES)
    if not isinstance(value, list) or not value or not all(isinstance(code, str) for code in value):
        raise ValidationError(_("Name the disclosure languages as a list of language codes."))
    if value[0] != settings.LANGUAGE_CODE:
        raise ValidationError(
            _("%(primary)s is the primary language: it comes first."),
            params={"primary": get_language_info(settings.LANGUAGE_CODE)["name_translated"]},
        )
    unknown = [code for code in value if code not in known]
    if unknown:
        raise ValidationError(
            _("The site does not offer %(codes)s; choose among %(known)s."),
            params={"codes": ", ".join(unknown), "known": ", ".join(known.values())},
        )
    if len(set(value)) != len(value):
        raise ValidationError(_("Name each disclosure language once."))
