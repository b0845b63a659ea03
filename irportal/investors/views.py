from django.contrib import messages
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.generic import FormView, TemplateView

from events.selectors import investor_page_events
from irportal.audit.permissions import StaffPermissionMixin
from irportal.investors.forms import CompanyProfileForm
from irportal.investors.models import CompanyProfile
from irportal.investors.services import company_profile_update
from irportal.investors.sitedata import site_data
from releases.views import latest_public_documents

# Built by the events and alerts parts of the site; linked by address until their URL names exist.
EVENTS_PATH = "/investors/events/"
CALENDAR_PATH = "/investors/events.ics"
ALERTS_PATH = "/investors/alerts/"
LOGO_MAX_AGE = 365 * 24 * 3600


class InvestorHomeView(TemplateView):
    """The Investor Information page. ``events_section`` is set by the events app to show its part."""

    template_name = "public/investors.html"

    def get_context_data(self, **kwargs):
        now = timezone.now()
        data = site_data(self.request)
        return super().get_context_data(
            company=data.company,
            about=data.about,
            contact_lines=data.contact_lines,
            latest_releases=latest_public_documents(now),
            events_section=True,
            **investor_page_events(now, home_zone=data.company.home_time_zone),
            events_path=EVENTS_PATH,
            calendar_path=CALENDAR_PATH,
            alerts_path=ALERTS_PATH,
            **kwargs,
        )


def company_logo(request, name):
    """The company's logo. The address names the file, so it may be kept by browsers for a year."""
    company = CompanyProfile.load()
    if not company.logo or company.logo.name.rsplit("/", 1)[-1] != name:
        raise Http404("No such logo")
    response = FileResponse(company.logo.open("rb"))
    response["Cache-Control"] = f"public, max-age={LOGO_MAX_AGE}, immutable"
    return response


def theme_css(request):
    """The company's accent colour as a style sheet, so pages need no inline style."""
    colour = CompanyProfile.load().accent_colour
    return HttpResponse(f":root {{ --ir-accent: {colour}; }}\n", content_type="text/css; charset=utf-8")


def robots_txt(request):
    return render(
        request,
        "public/robots.txt",
        {"sitemap_url": request.build_absolute_uri("/sitemap.xml")},
        content_type="text/plain; charset=utf-8",
    )


class CompanyProfileEditView(StaffPermissionMixin, FormView):
    permission_required = "investors.change_companyprofile"
    template_name = "staff/company_profile.html"
    form_class = CompanyProfileForm

    def get_form_kwargs(self):
        return super().get_form_kwargs() | {"instance": CompanyProfile.load()}

    def form_valid(self, form):
        values = dict(form.cleaned_data)
        company_profile_update(
            actor=self.request.user, logo=values.pop("logo_upload"), remove_logo=values.pop("remove_logo"), **values
        )
        messages.success(self.request, "The company profile was saved.")
        return redirect("company:profile_edit")
