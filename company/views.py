"""The company profile: its staff form, and the logo and colour style sheet every public page links."""

from django.contrib import messages
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect
from django.views.generic import FormView

from company.files import record_refusals
from company.forms import CompanyProfileForm
from company.models import CompanyProfile
from company.services import company_profile_update
from irportal.audit.permissions import StaffPermissionMixin

LOGO_MAX_AGE = 365 * 24 * 3600


def company_logo(request, name):
    """The company's logo. The address names the file, so it may be kept by browsers for a year."""
    company = CompanyProfile.load()
    if not company.logo or company.logo_name != name:
        raise Http404("No such logo")
    response = FileResponse(company.logo.open("rb"))
    response["Cache-Control"] = f"public, max-age={LOGO_MAX_AGE}, immutable"
    return response


def theme_css(request):
    """The company's accent colour as a style sheet, so pages need no inline style."""
    colour = CompanyProfile.load().accent_colour
    return HttpResponse(f":root {{ --ir-accent: {colour}; }}\n", content_type="text/css; charset=utf-8")


class CompanyProfileEditView(StaffPermissionMixin, FormView):
    permission_required = "company.change_companyprofile"
    template_name = "staff/company_profile.html"
    form_class = CompanyProfileForm

    def get_form_kwargs(self):
        return super().get_form_kwargs() | {"instance": CompanyProfile.load()}

    def form_invalid(self, form):
        record_refusals(form, actor=self.request.user)
        return super().form_invalid(form)

    def form_valid(self, form):
        values = dict(form.cleaned_data)
        company_profile_update(
            actor=self.request.user, logo=values.pop("logo_upload"), remove_logo=values.pop("remove_logo"), **values
        )
        messages.success(self.request, "The company profile was saved.")
        return redirect("company:profile_edit")
