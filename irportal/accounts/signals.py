"""Sign-in, sign-out and failed sign-ins go into the audit log."""

from django.contrib.auth.models import AnonymousUser
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from irportal.audit.services import audit_record


@receiver(user_logged_in, dispatch_uid="audit_login")
def audit_login(sender, request, user, **kwargs):
    audit_record(action="auth.login", actor=user, obj=user)


@receiver(user_logged_out, dispatch_uid="audit_logout")
def audit_logout(sender, request, user, **kwargs):
    if user is not None:
        audit_record(action="auth.logout", actor=user, obj=user)


@receiver(user_login_failed, dispatch_uid="audit_login_failed")
def audit_login_failed(sender, credentials, request=None, **kwargs):
    # The attempted name is kept for compliance; the page itself never says
    # whether the account exists.
    username = str(credentials.get("username", ""))[:150]
    audit_record(action="auth.login_failed", actor=AnonymousUser(), data={"username": username})
