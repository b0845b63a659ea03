from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth import views as auth_views
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse_lazy
from django.views.generic import FormView, ListView, TemplateView

from irportal.accounts import services
from irportal.accounts.forms import UserCreateForm, UserUpdateForm
from irportal.accounts.roles import roles_of
from irportal.audit.permissions import SignedInMixin, StaffPermissionMixin
from irportal.audit.services import audit_record

User = get_user_model()


class LoginView(auth_views.LoginView):
    template_name = "registration/login.html"
    redirect_authenticated_user = True


class PasswordChangeView(SignedInMixin, auth_views.PasswordChangeView):
    template_name = "registration/password_change.html"
    success_url = reverse_lazy("accounts:console")

    def form_valid(self, form):
        response = super().form_valid(form)
        audit_record(action="auth.password_change", actor=self.request.user, obj=self.request.user)
        messages.success(self.request, "Your password was changed.")
        return response


class ConsoleView(SignedInMixin, TemplateView):
    template_name = "staff/console.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(roles=roles_of(self.request.user), **kwargs)


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
