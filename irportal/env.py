"""Read settings from the environment, failing loudly on a bad value.

Every helper names the variable in its error so that a typo in a deployment's
environment stops start-up with a message an operator can act on.
"""

import os
import zoneinfo

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}
# What deploy/irportal.env.example writes where a secret goes. A value still holding one was copied and never
# filled in: refused, so that nobody runs with a key or a password the whole world can read.
PLACEHOLDERS = ("replace-with", "replace-me")


def envstr(name: str, default: str | None = None) -> str | None:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if any(placeholder in value.lower() for placeholder in PLACEHOLDERS):
        raise ImproperlyConfigured(
            f"{name} still holds the placeholder of deploy/irportal.env.example: put the real value in its place"
        )
    return value


def envbool(name: str, default: bool) -> bool:
    value = envstr(name)
    if value is None:
        return default
    lowered = value.strip().lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be one of 1/0, true/false, yes/no, on/off; got {value!r}")


def envint(name: str, default: int, *, minimum: int | None = None, maximum: int | None = None) -> int:
    value = envstr(name)
    if value is None:
        return default
    try:
        number = int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be an integer; got {value!r}") from None
    if minimum is not None and number < minimum:
        raise ImproperlyConfigured(f"{name} must be at least {minimum}; got {number}")
    if maximum is not None and number > maximum:
        raise ImproperlyConfigured(f"{name} must be at most {maximum}; got {number}")
    return number


def envlist(name: str, default: list[str]) -> list[str]:
    value = envstr(name)
    if value is None:
        return list(default)
    return [item.strip() for item in value.split(",") if item.strip()]


def envtimezone(name: str, default: str) -> str:
    value = envstr(name, default)
    try:
        zoneinfo.ZoneInfo(value)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise ImproperlyConfigured(
            f"{name} must be an IANA time zone such as America/New_York; got {value!r}"
        ) from None
    return value


def webauthn_origin_for(site_url: str) -> str:
    """The WebAuthn origin for a site address: the same origin, except that plain HTTP on a loopback
    address becomes http://localhost (browsers offer WebAuthn only on https:// and on localhost)."""
    from urllib.parse import urlsplit

    parts = urlsplit(site_url)
    if parts.scheme == "http" and parts.hostname in {"127.0.0.1", "::1", "localhost"}:
        return f"http://localhost:{parts.port}" if parts.port else "http://localhost"
    return f"{parts.scheme}://{parts.netloc}"


def email_settings(name: str, default_dir: str) -> dict:
    """Translate EMAIL_URL into Django's EMAIL_* settings.

    Accepted forms: ``smtp://user:password@host:port`` (STARTTLS with
    ``smtp+tls://``, implicit TLS with ``smtps://``), ``file:///path/to/dir``,
    ``locmem://`` and ``console://``. Unset means files under ``default_dir``.
    """
    from urllib.parse import unquote, urlsplit

    value = envstr(name)
    if value is None:
        return {"EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend", "EMAIL_FILE_PATH": default_dir}
    parts = urlsplit(value)
    scheme = parts.scheme.lower()
    if scheme == "file":
        return {"EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend", "EMAIL_FILE_PATH": parts.path}
    if scheme == "locmem":
        return {"EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend"}
    if scheme == "console":
        return {"EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend"}
    if scheme in {"smtp", "smtp+tls", "smtps"}:
        if not parts.hostname:
            raise ImproperlyConfigured(f"{name} must name a host, e.g. smtp://user:password@mail.example.com:587")
        try:
            port = parts.port
        except ValueError:
            raise ImproperlyConfigured(f"{name} has an invalid port; got {value!r}") from None
        return {
            "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "EMAIL_HOST": parts.hostname,
            "EMAIL_PORT": port or (465 if scheme == "smtps" else 587 if scheme == "smtp+tls" else 25),
            "EMAIL_HOST_USER": unquote(parts.username or ""),
            "EMAIL_HOST_PASSWORD": unquote(parts.password or ""),
            "EMAIL_USE_TLS": scheme == "smtp+tls",
            "EMAIL_USE_SSL": scheme == "smtps",
            "EMAIL_TIMEOUT": 20,
        }
    raise ImproperlyConfigured(
        f"{name} must start with smtp://, smtp+tls://, smtps://, file://, locmem:// or console://; got {value!r}"
    )
