"""Start-up checks of the newswire's configuration: a channel named in the environment must be complete."""

from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import Error

from wire.channels import CHANNELS, FORMATS, configured_channel

NEEDED = {
    "smtp": ("WIRE_SMTP_URL", "WIRE_SMTP_TO"),
    "sftp": ("WIRE_SFTP_URL", "WIRE_SFTP_HOST_KEY"),
    "https": ("WIRE_HTTPS_URL", "WIRE_HTTPS_TOKEN"),
}
SCHEMES = {"smtp": {"smtp", "smtp+tls", "smtps"}, "sftp": {"sftp"}, "https": {"https"}}


def check_wire_configuration(app_configs=None, **kwargs) -> list[Error]:
    channel = configured_channel()
    if not channel:
        return []
    if channel not in CHANNELS:
        return [Error(f"WIRE_CHANNEL must be one of {', '.join(CHANNELS)} or empty; got {channel!r}", id="wire.E001")]
    errors = [
        Error(f"WIRE_CHANNEL={channel} needs {name}", id="wire.E002")
        for name in NEEDED[channel]
        if not getattr(settings, name)
    ]
    url_setting = NEEDED[channel][0]
    url = getattr(settings, url_setting)
    if url and urlsplit(url).scheme not in SCHEMES[channel]:
        allowed = ", ".join(f"{scheme}://" for scheme in sorted(SCHEMES[channel]))
        errors.append(Error(f"{url_setting} must start with {allowed}", id="wire.E003"))
    if channel == "sftp" and not (settings.WIRE_SFTP_PASSWORD or settings.WIRE_SFTP_KEY_FILE):
        errors.append(Error("WIRE_CHANNEL=sftp needs WIRE_SFTP_PASSWORD or WIRE_SFTP_KEY_FILE", id="wire.E002"))
    if channel == "https" and settings.WIRE_HTTPS_FORMAT not in FORMATS:
        errors.append(
            Error(f"WIRE_HTTPS_FORMAT must be json or newsml; got {settings.WIRE_HTTPS_FORMAT!r}", id="wire.E004")
        )
    return errors
