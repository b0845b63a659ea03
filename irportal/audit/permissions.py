from django.contrib.auth.mixins import PermissionRequiredMixin
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from irportal.audit.services import audit_record


def deny(request, permission: str | list[str] | tuple[str, ...] | None = None, reason: str = ""):
    """Record a refused staff request and refuse it (403)."""
    audit_record(
        action="security.permission_denied",
        actor=request.user,
        data={
            "path": request.path[:500],
            "method": request.method,
            "permission": permission if isinstance(permission, str | None) else list(permission),
            "reason": reason,
        },
    )
    raise PermissionDenied(reason or _("You do not have permission to do this."))


class StaffPermissionMixin(PermissionRequiredMixin):
    """Sign-in required; then the view's permission, checked on the server and every refusal audited."""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not self.has_permission():
            deny(request, self.get_permission_required())
        return super(PermissionRequiredMixin, self).dispatch(request, *args, **kwargs)


class SignedInMixin(StaffPermissionMixin):
    """Any signed-in user: for pages every role has (dashboard, own password)."""

    def has_permission(self) -> bool:
        return True
