"""Sign-in throttling beyond one username: failures per client address, and the lock check for either step.

django-axes locks a username and address pair after ``AXES_FAILURE_LIMIT``
failures. Password spraying tries one password on many usernames, which that
pair never sees, so failures are also counted per address, across usernames:
from the audit log's failed sign-ins (``auth.login_failed``, written for both
the password and the second-factor step) within ``AXES_COOLOFF_MINUTES``.
Axes' own ``ip_address`` lockout parameter is not used for this because axes
has one limit for every parameter (the address limit must be higher, or one
office behind one address locks itself out) and resets an address's count on
any successful sign-in from it, which a sprayer with one valid account would
use.
"""

from axes.handlers.proxy import AxesProxyHandler
from django.conf import settings
from django.utils import timezone

from irportal.audit.middleware import client_ip
from irportal.audit.models import AuditEntry


def address_failures(request) -> int:
    since = timezone.now() - settings.AXES_COOLOFF_TIME
    address = client_ip(request)
    if not address:
        return 0
    return AuditEntry.objects.filter(action="auth.login_failed", ip=address, timestamp__gte=since).count()


def address_locked(request) -> bool:
    return address_failures(request) >= settings.SIGN_IN_ADDRESS_FAILURE_LIMIT


def locked(request, username: str) -> bool:
    """True when this username from this address, or this address altogether, may not try again yet."""
    return address_locked(request) or AxesProxyHandler.is_locked(request, {"username": username})
