import ipaddress
import re
import uuid

from django.conf import settings

from irportal.audit import context

# A UUID, or 8 to 64 letters, digits and hyphens.
_REQUEST_ID = re.compile(r"^[A-Za-z0-9-]{8,64}$")


def client_ip(request) -> str:
    candidate = request.META.get("REMOTE_ADDR", "")
    if settings.AUDIT_TRUST_X_FORWARDED_FOR:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
        if forwarded:
            candidate = forwarded[-1]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return ""


class AuditContextMiddleware:
    """Give every request a request id and the audit context of its caller."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request_id = uuid.uuid4().hex
        if settings.AUDIT_TRUST_X_REQUEST_ID:
            # Only the trusted proxy in front sets this header; from anyone else it is ignored.
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
