from django.contrib import messages
from django.shortcuts import redirect
from django.utils import timezone
from django.views.generic import FormView, TemplateView

from events.selectors import investor_page_events
from irportal.audit.permissions import StaffPermissionMixin
from irportal.investors.forms import CompanyProfileForm
from irportal.investors.models import CompanyProfile
from irportal.investors.services import company_profile_update
from releases.models import MediaContact, Release
from releases.views import public_document

LATEST_RELEASES = 5


class InvestorHomeView(TemplateView):
    template_name = "public/investors.html"

    def get_context_data(self, **kwargs):
        now = timezone.now()
        contacts = list(MediaContact.objects.filter(is_active=True).order_by("audience", "order", "name"))
        latest = [
            public_document(release, now) for release in Release.objects.public_newest_first(now)[:LATEST_RELEASES]
        ]
        return super().get_context_data(
            contacts_by_audience=MediaContact.group_by_audience(contacts),
            latest_releases=latest,
            **investor_page_events(now),
            **kwargs,
        )


class CompanyProfileEditView(StaffPermissionMixin, FormView):
    permission_required = "investors.change_companyprofile"
    template_name = "staff/company_profile.html"
    form_class = CompanyProfileForm

    def get_form_kwargs(self):
        return super().get_form_kwargs() | {"instance": CompanyProfile.load()}

    def form_valid(self, form):
        company_profile_update(actor=self.request.user, **form.cleaned_data)
        messages.success(self.request, "The company profile was saved.")
        return redirect("company:profile_edit")
