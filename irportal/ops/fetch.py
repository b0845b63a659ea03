"""Conditional GETs to outside services with httpx, each answer sorted into what the importer does next.

``conditional_get`` sends ``If-None-Match`` and ``If-Modified-Since`` from the
validators of the last answer, reads at most ``max_bytes``, and either returns
the body (``None`` for a 304) with the new validators, or raises
``FetchFailed``: for 429 and 5xx with the ``Retry-After`` the service asked
for, for other refusals, network errors and oversized answers without one.
"""

from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

import httpx

TIMEOUT = httpx.Timeout(20.0, connect=5.0)


class FetchFailed(Exception):
    def __init__(self, message: str, *, retry_after: float | None = None):
        super().__init__(message)
        self.retry_after = retry_after


@dataclass(frozen=True)
class Answer:
    body: bytes | None  # None: not modified since the validators sent
    validators: dict = field(default_factory=dict)


def client(*, user_agent: str, follow_redirects: bool = False) -> httpx.Client:
    """A client that verifies certificates; it follows at most three redirects, and only when asked to."""
    return httpx.Client(
        headers={"User-Agent": user_agent, "Accept-Encoding": "gzip, deflate"},
        timeout=TIMEOUT,
        follow_redirects=follow_redirects,
        max_redirects=3,
    )


def _retry_after(value: str | None, now: datetime) -> float | None:
    """Seconds from a ``Retry-After`` header: a number of seconds or an HTTP date."""
    if not value:
        return None
    if value.strip().isdigit():
        return float(value.strip())
    try:
        moment = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return max(0.0, (moment - now).total_seconds())


def conditional_get(http: httpx.Client, url: str, *, validators: dict | None, max_bytes: int) -> Answer:
    headers = {}
    if validators and validators.get("etag"):
        headers["If-None-Match"] = validators["etag"]
    if validators and validators.get("last_modified"):
        headers["If-Modified-Since"] = validators["last_modified"]
    try:
        with http.stream("GET", url, headers=headers) as response:
            if response.status_code == 304:
                return Answer(None, dict(validators or {}))
            if response.status_code == 429 or response.status_code >= 500:
                retry_after = _retry_after(response.headers.get("Retry-After"), datetime.now(UTC))
                raise FetchFailed(f"{url} answered {response.status_code}", retry_after=retry_after)
            if response.status_code != 200:
                raise FetchFailed(f"{url} answered {response.status_code}")
            body = bytearray()
            for chunk in response.iter_bytes():
                body.extend(chunk)
                if len(body) > max_bytes:
                    raise FetchFailed(f"{url} answered more than {max_bytes} bytes")
            kept = {
                "etag": response.headers.get("ETag", ""),
                "last_modified": response.headers.get("Last-Modified", ""),
            }
            return Answer(bytes(body), {name: value for name, value in kept.items() if value})
    except httpx.HTTPError as exc:
        raise FetchFailed(f"{url} could not be read: {exc.__class__.__name__}: {exc}") from exc
