import unicodedata
from urllib.parse import unquote, urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model, logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm
from django.shortcuts import get_object_or_404, redirect, render, resolve_url
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST
from django.views.generic import FormView, ListView, TemplateView
from django.views.i18n import set_language

from irportal.accounts import dashboard, mfa, services, sessions, stepup, throttle
from irportal.accounts.forms import UserCreateForm, UserUpdateForm
from irportal.accounts.middleware import CLEAR_SITE_DATA, mfa_exempt
from irportal.accounts.roles import role_label, roles_of
from irportal.audit.permissions import SignedInMixin, StaffPermissionMixin
from irportal.audit.services import audit_record
from irportal.ops.heartbeat import beat_status

User = get_user_model()


def safe_next(request, value: str | None) -> str:
    """``value`` if it is a path on this site, else "".

    Only a local absolute path is accepted: not ``//host`` or ``/\\host`` (which
    browsers read as another site), also once percent-decoded and with Unicode
    look-alikes folded (``。`` is a full stop to a browser), and nothing with
    spaces or control characters.
    """
    value = value or ""
    folded = unicodedata.normalize("NFKC", unquote(value))
    for candidate in (value, folded):
        if not candidate.startswith("/") or candidate.startswith(("//", "/\\")):
            return ""
        if any(char.isspace() or unicodedata.category(char)[0] == "C" for char in candidate):
            return ""
    allowed = url_has_allowed_host_and_scheme(
        value, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return value if allowed else ""


def with_next(url_name: str, next_url: str) -> str:
    url = reverse(url_name)
    return f"{url}?{urlencode({'next': next_url})}" if next_url else url


@mfa_exempt
@require_POST
def console_language(request):
    """The console's language, as the staff member chooses it (the form in the console's header): Django's
    ``set_language``, which keeps the choice in the language cookie and goes back to ``next``. Reachable before
    sign-in and before the second factor, so the sign-in pages can be read in it too."""
    return set_language(request)


@mfa_exempt
class LoginView(auth_views.LoginView):
    """The first step, username and password; then the second factor, or its enrolment where the role needs one."""

    template_name = "registration/login.html"
    redirect_authenticated_user = True

    def get_redirect_url(self):
        return safe_next(self.request, self.request.POST.get("next", self.request.GET.get("next")))

    def post(self, request, *args, **kwargs):
        if throttle.address_locked(request):
            return locked_out(request, credentials={"username": request.POST.get("username", "")}, scope="address")
        return super().post(request, *args, **kwargs)

    def get_success_url(self):
        next_url = self.get_redirect_url()
        user = self.request.user
        if mfa.has_factor(user) and not mfa.is_verified(user):
            return with_next("accounts:mfa_verify", next_url)
        if mfa.required_for(user) and not mfa.has_factor(user):
            return with_next("accounts:mfa_setup", next_url)
        return next_url or resolve_url(settings.LOGIN_REDIRECT_URL)


@mfa_exempt
class LogoutView(auth_views.LogoutView):
    def post(self, request, *args, **kwargs):
        response = super().post(request, *args, **kwargs)
        response["Clear-Site-Data"] = CLEAR_SITE_DATA
        return response

    def get_redirect_url(self):
        return safe_next(self.request, self.request.POST.get("next", self.request.GET.get("next")))


LOCKED_OUT_MESSAGE = gettext_lazy(
    "Too many failed sign-in attempts. Sign-in for this username from your network is paused for "
    "%(minutes)s minutes. Wait, then try again. If you have forgotten your password, ask an IR Admin to send "
    "you a link to choose a new one; your second factor is still asked for."
)


def locked_out(request, original_response=None, credentials=None, scope="username"):
    """django-axes lockout answer: the sign-in page again, with one message for every username.

    The same words whether or not the account exists, so a lockout tells an
    attacker nothing about which usernames are real. A lockout at the second
    step ends the half-signed-in session: the next try starts from the password.
    """
    if scope == "address":
        audit_record(
            action="security.lockout",
            actor=request.user,
            data={"username": str((credentials or {}).get("username", ""))[:150], "scope": "address"},
        )
    if request.user.is_authenticated:
        logout(request)
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    context = {
        "form": AuthenticationForm(request),
        "next": request.POST.get("next", ""),
        "lockout_message": LOCKED_OUT_MESSAGE % {"minutes": minutes},
    }
    return render(request, "registration/login.html", context, status=429)


class PasswordChangeView(SignedInMixin, auth_views.PasswordChangeView):
    template_name = "registration/password_change.html"
    success_url = reverse_lazy("accounts:console")

    def form_valid(self, form):
        old_key = self.request.session.session_key
        # Django gives the session a new key here, so that the old cookie stops working.
        response = super().form_valid(form)
        user = self.request.user
        sessions.rekeyed(old_key, self.request.session.session_key)
        audit_record(action="auth.password_change", actor=user, obj=user)
        ended = sessions.end_all(actor=user, user=user, keep=self.request.session.session_key, reason="password change")
        messages.success(
            self.request,
            ngettext(
                "Your password was changed. %(count)s other session ended.",
                "Your password was changed. %(count)s other sessions ended.",
                ended,
            )
            % {"count": ended},
        )
        return response


class ConsoleView(SignedInMixin, TemplateView):
    """The dashboard: what the user's roles need today, from the panels the apps register."""

    template_name = "staff/console.html"

    def get_context_data(self, **kwargs):
        user, now = self.request.user, timezone.now()
        return super().get_context_data(
            roles=[role_label(role) for role in roles_of(user)],
            panels=dashboard.panels_for(user, now),
            beat=beat_status(now),
            **kwargs,
        )


class UserListView(StaffPermissionMixin, ListView):
    permission_required = "auth.change_user"
    template_name = "staff/users/list.html"
    context_object_name = "users"
    paginate_by = 50

    def get_queryset(self):
        return User.objects.order_by("username").prefetch_related("groups")


class UserCreateView(StaffPermissionMixin, FormView):
    permission_required = ("auth.add_user", "auth.change_user")
    template_name = "staff/users/form.html"
    form_class = UserCreateForm

    def form_valid(self, form):
        data = form.cleaned_data
        roles = [group.name for group in data["roles"]]
        step_up = None
        if services.grants_authority(None, roles=roles):
            try:
                step_up = stepup.evidence(self.request)
            except stepup.StepUpRequired as required:
                action = format_lazy(gettext_lazy("Give {username} their roles"), username=data["username"])
                return stepup.challenge(self.request, required, action=action)
        user = services.user_create(
            actor=self.request.user,
            username=data["username"],
            roles=roles,
            invite=True,
            step_up=step_up,
            first_name=data["first_name"],
            last_name=data["last_name"],
            email=data["email"],
        )
        messages.success(
            self.request,
            _("User %(username)s was created and invited by email to %(email)s.")
            % {"username": user.username, "email": user.email},
        )
        return redirect("accounts:user_list")


class UserUpdateView(StaffPermissionMixin, FormView):
    permission_required = "auth.change_user"
    template_name = "staff/users/form.html"
    form_class = UserUpdateForm

    def dispatch(self, request, *args, **kwargs):
        self.target = get_object_or_404(User, pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return super().get_form_kwargs() | {"instance": self.target, "editor": self.request.user}

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            target=self.target,
            target_factors=len(mfa.primary_devices(self.target)),
            target_sessions=sessions.active_for(self.target).count(),
            **kwargs,
        )

    def form_valid(self, form):
        data = form.cleaned_data
        roles = [group.name for group in data["roles"]]
        step_up = None
        if services.grants_authority(self.target, roles=roles, is_active=data["is_active"], email=data["email"]):
            try:
                step_up = stepup.evidence(self.request)
            except stepup.StepUpRequired as required:
                action = format_lazy(
                    gettext_lazy("Give {username} a role or access again"), username=self.target.get_username()
                )
                return stepup.challenge(self.request, required, action=action)
        services.user_update(
            actor=self.request.user,
            user=self.target,
            roles=roles,
            step_up=step_up,
            first_name=data["first_name"],
            last_name=data["last_name"],
            email=data["email"],
            is_active=data["is_active"],
        )
        messages.success(self.request, _("User %(username)s was saved.") % {"username": self.target.username})
        return redirect("accounts:user_list")
