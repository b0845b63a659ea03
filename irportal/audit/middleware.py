"""Who is asking, from where: the request id and the client's address, for the audit log, the logs and the limits.

The headers a proxy adds (``X-Forwarded-For``, ``X-Forwarded-Proto``,
``X-Request-ID``) are believed only on a request whose peer is one of
``TRUSTED_PROXIES``; from anyone else they are dropped before any other code
reads them. The client is the last address in ``X-Forwarded-For`` that is
not itself a trusted proxy (nginx appends the address it saw; whatever the
client wrote comes before it and is passed over).
"""

import functools
import ipaddress
import re
import uuid

from django.conf import settings

from irportal.audit import context

# A UUID, or 8 to 64 letters, digits and hyphens.
_REQUEST_ID = re.compile(r"^[A-Za-z0-9-]{8,64}$")
PROXY_HEADERS = ("HTTP_X_FORWARDED_FOR", "HTTP_X_FORWARDED_PROTO", "HTTP_X_REQUEST_ID")


@functools.lru_cache(maxsize=8)
def _networks(entries: tuple[str, ...]) -> tuple:
    return tuple(ipaddress.ip_network(entry, strict=False) for entry in entries)


def _address(value: str):
    try:
        return ipaddress.ip_address(value.strip())
    except ValueError:
        return None


def _trusted(address) -> bool:
    return any(address in network for network in _networks(tuple(settings.TRUSTED_PROXIES)))


def from_trusted_proxy(request) -> bool:
    address = _address(request.META.get("REMOTE_ADDR", ""))
    return address is not None and _trusted(address)


def client_ip(request) -> str:
    address = _address(request.META.get("REMOTE_ADDR", ""))
    if address is None:
        return ""
    if _trusted(address):
        for hop in reversed(request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")):
            hop_address = _address(hop)
            if hop_address is None:
                break  # not an address: the last one known to be real stands
            address = hop_address
            if not _trusted(hop_address):
                break
    return str(address)


class AuditContextMiddleware:
    """Give every request a request id and the audit context of its caller."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not from_trusted_proxy(request):
            for header in PROXY_HEADERS:
                request.META.pop(header, None)
        request_id = uuid.uuid4().hex
        if settings.AUDIT_TRUST_X_REQUEST_ID:
            # Only the trusted proxy in front sets this header; from anyone else it was dropped above.
            incoming = request.META.get("HTTP_X_REQUEST_ID", "")
            if _REQUEST_ID.fullmatch(incoming):
                request_id = incoming
        request.request_id = request_id
        token = context.activate(
            context.RequestContext(
                ip=client_ip(request),
                user_agent=request.META.get("HTTP_USER_AGENT", "")[:512],
                request_id=request_id,
            )
        )
        try:
            response = self.get_response(request)
        finally:
            context.deactivate(token)
        response.headers.setdefault("X-Request-ID", request_id)
        return response
