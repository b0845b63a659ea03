"""The company profile: its staff form, and the logo and colour style sheet every public page links."""

from django.contrib import messages
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.generic import FormView, TemplateView, View

from company import demo, setup
from company.files import record_refusals
from company.forms import CompanyProfileForm
from company.models import CompanyProfile
from company.services import company_profile_update
from irportal.accounts import stepup
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
        messages.success(self.request, _("The company profile was saved."))
        return redirect("company:profile_edit")


class SetupView(StaffPermissionMixin, TemplateView):
    """ "Make this portal yours": the set-up steps, each done or not, and the removal of the demo content."""

    permission_required = "company.change_companyprofile"
    template_name = "staff/setup.html"

    def get_context_data(self, **kwargs):
        steps = setup.checklist()
        return super().get_context_data(
            steps=steps,
            done=sum(step["done"] for step in steps),
            demo_left=demo.remaining(),
            own_published=demo.own_published(),
            **kwargs,
        )


class DemoRemoveView(StaffPermissionMixin, View):
    """Remove the demo content: one action, confirmed with the second factor."""

    permission_required = "company.change_companyprofile"

    def post(self, request):
        try:
            step_up = stepup.evidence(request)
        except stepup.StepUpRequired as required:
            return stepup.challenge(request, required, action=gettext_lazy("Remove the demo content"))
        try:
            removed = demo.demo_content_remove(actor=request.user, step_up=step_up)
        except demo.DemoRemovalRefused as refused:
            messages.error(request, str(refused))
            return redirect("company:setup")
        items = sum(removed.values())
        messages.success(
            request,
            ngettext(
                "The demo content was removed (%(items)s item).",
                "The demo content was removed (%(items)s items).",
                items,
            )
            % {"items": items},
        )
        return redirect("company:setup")
