"""The pages of a one-time link (``irportal.accounts.links``): open it, choose a password, go on."""

from django.contrib import messages
from django.contrib.auth import get_user_model, login, logout
from django.contrib.auth.forms import SetPasswordForm
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views import View

from irportal.accounts import links, mfa
from irportal.accounts.middleware import mfa_exempt

INVALID_TEMPLATE = "registration/link_invalid.html"


def _invalid(request):
    return render(request, INVALID_TEMPLATE, status=404)


@mfa_exempt
class LinkOpenView(View):
    """The address in the email: keep the token in the session and move to an address without it."""

    def get(self, request, token):
        link = links.link_for_token(token)
        if link is None:
            return _invalid(request)
        if request.user.is_authenticated:
            logout(request)  # whoever was signed in in this browser is not the one the link is for
        request.session[links.LINK_TOKEN] = token
        return redirect("accounts:link_password")


@mfa_exempt
class LinkPasswordView(View):
    """Choose a password; then sign in with it and the second factor, or, without a factor, add one."""

    template_name = "registration/link_password.html"

    def dispatch(self, request, *args, **kwargs):
        self.link = links.link_for_token(request.session.get(links.LINK_TOKEN))
        if self.link is None:
            return _invalid(request)
        return super().dispatch(request, *args, **kwargs)

    def render_form(self, form, status=200):
        context = {"form": form, "link_user": self.link.user, "purpose": self.link.purpose}
        return render(self.request, self.template_name, context, status=status)

    def get(self, request):
        return self.render_form(SetPasswordForm(self.link.user))

    def post(self, request):
        form = SetPasswordForm(self.link.user, request.POST)
        if not form.is_valid():
            return self.render_form(form, status=400)
        if not links.link_use(link=self.link, password=form.cleaned_data["new_password1"]):
            return _invalid(request)
        del request.session[links.LINK_TOKEN]
        user = get_user_model().objects.get(pk=self.link.user_id)  # with the new password's hash
        if mfa.has_factor(user):
            messages.success(request, _("Your password is set. Sign in with it and your second factor."))
            return redirect("accounts:login")
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        links.grant_setup(request)
        messages.success(request, _("Your password is set. Now add a second factor to finish setting up."))
        return redirect("accounts:mfa_setup")
