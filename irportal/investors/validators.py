import zoneinfo

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator

ticker_validator = RegexValidator(r"^[A-Z][A-Z0-9.\-]{0,9}$", "Use the exchange symbol in capitals, e.g. EXMP.")


def validate_time_zone(value: str) -> None:
    try:
        zoneinfo.ZoneInfo(value)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise ValidationError(
            "%(value)s is not a known time zone; use an IANA name such as America/New_York.",
            params={"value": value},
        ) from None
