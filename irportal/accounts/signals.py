"""Sign-in, sign-out, failed sign-ins and lockouts go into the audit log."""

from axes.helpers import get_failure_limit
from axes.signals import user_locked_out
from django.contrib.auth.models import AnonymousUser
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from irportal.accounts import sessions
from irportal.audit.services import audit_record


@receiver(user_logged_in, dispatch_uid="audit_login")
def audit_login(sender, request, user, **kwargs):
    audit_record(action="auth.login", actor=user, obj=user)
    if request is not None and hasattr(request, "session"):
        sessions.started(request, user)


@receiver(user_logged_out, dispatch_uid="audit_logout")
def audit_logout(sender, request, user, **kwargs):
    if user is not None:
        audit_record(action="auth.logout", actor=user, obj=user)


@receiver(user_login_failed, dispatch_uid="audit_login_failed")
def audit_login_failed(sender, credentials, request=None, **kwargs):
    # The attempted name is kept for compliance; the page itself never says
    # whether the account exists.
    username = str(credentials.get("username", ""))[:150]
    data = {"username": username}
    if "step" in credentials:
        # A wrong code at the second step (or at a step-up): the password was right.
        data["step"] = credentials["step"]
    user = getattr(request, "user", None)
    actor = user if "step" in credentials and user is not None and user.is_authenticated else AnonymousUser()
    audit_record(action="auth.login_failed", actor=actor, data=data)


@receiver(user_locked_out, dispatch_uid="audit_lockout")
def audit_lockout(sender, request, username=None, ip_address=None, **kwargs):
    """The moment a username and address pair reaches the failure limit (later refused attempts are failed sign-ins)."""
    failures = getattr(request, "axes_failures_since_start", None)
    limit = get_failure_limit(request, getattr(request, "axes_credentials", None))
    if failures is not None and failures != limit:
        return
    audit_record(
        action="security.lockout",
        actor=AnonymousUser(),
        data={"username": str(username or "")[:150], "failures": limit},
    )
