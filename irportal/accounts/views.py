from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse_lazy
from django.utils import timezone
from django.views.generic import FormView, ListView, TemplateView

from irportal.accounts import dashboard, services
from irportal.accounts.forms import UserCreateForm, UserUpdateForm
from irportal.accounts.roles import roles_of
from irportal.audit.permissions import SignedInMixin, StaffPermissionMixin
from irportal.audit.services import audit_record

User = get_user_model()


class LoginView(auth_views.LoginView):
    template_name = "registration/login.html"
    redirect_authenticated_user = True


LOCKED_OUT_MESSAGE = (
    "Too many failed sign-in attempts. Sign-in for this username from your network is paused for "
    "{minutes} minutes. Wait, then try again, or ask an IR Admin to reset your password."
)


def locked_out(request, original_response=None, credentials=None):
    """django-axes lockout answer: the sign-in page again, with one message for every username.

    The same words whether or not the account exists, so a lockout tells an
    attacker nothing about which usernames are real.
    """
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    context = {
        "form": AuthenticationForm(request),
        "next": request.POST.get("next", ""),
        "lockout_message": LOCKED_OUT_MESSAGE.format(minutes=minutes),
    }
    return render(request, "registration/login.html", context, status=429)


class PasswordChangeView(SignedInMixin, auth_views.PasswordChangeView):
    template_name = "registration/password_change.html"
    success_url = reverse_lazy("accounts:console")

    def form_valid(self, form):
        response = super().form_valid(form)
        audit_record(action="auth.password_change", actor=self.request.user, obj=self.request.user)
        messages.success(self.request, "Your password was changed.")
        return response


class ConsoleView(SignedInMixin, TemplateView):
    """The dashboard: what the user's roles need today, from the panels the apps register."""

    template_name = "staff/console.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        return super().get_context_data(
            roles=roles_of(user), panels=dashboard.panels_for(user, timezone.now()), **kwargs
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
        user = services.user_create(
            actor=self.request.user,
            username=data["username"],
            password=data["password1"],
            roles=[group.name for group in data["roles"]],
            first_name=data["first_name"],
            last_name=data["last_name"],
            email=data["email"],
        )
        messages.success(self.request, f"User {user.username} was created.")
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
        return super().get_context_data(target=self.target, **kwargs)

    def form_valid(self, form):
        data = form.cleaned_data
        services.user_update(
            actor=self.request.user,
            user=self.target,
            roles=[group.name for group in data["roles"]],
            first_name=data["first_name"],
            last_name=data["last_name"],
            email=data["email"],
            is_active=data["is_active"],
        )
        messages.success(self.request, f"User {self.target.username} was saved.")
        return redirect("accounts:user_list")
