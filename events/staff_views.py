"""The announcement of upcoming events: pick them, preview the release, create it as a draft.

Events themselves are on the shared console (``events.console``).
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views import View

from company.models import CompanyProfile
from events import timefmt
from events.announce import announcement_release, build_announcement
from events.forms import AnnounceForm
from events.models import Event
from irportal.audit.permissions import StaffPermissionMixin
from irportal.workflow.engine import WorkflowPermissionDenied


class AnnounceView(StaffPermissionMixin, View):
    """Pick upcoming events, preview the announcement, create it as a draft release."""

    permission_required = ("events.view_event", "releases.add_release")

    def _form(self, data=None):
        now = timezone.now()
        choices = (
            Event.objects.public(now)
            .filter(starts_at__gt=now, cancelled_at__isnull=True)
            .select_related("live_revision", "approved_revision")
            .order_by("starts_at")
        )
        company = CompanyProfile.load()
        initial = {
            "release_date": timezone.now().astimezone(timefmt.zone(company.home_time_zone)).date(),
            "dateline_city": company.dateline_city,
            "dateline_region": company.dateline_region,
            "distribution": company.distribution,
        }
        return AnnounceForm(data, events_queryset=choices, initial=initial)

    def get(self, request):
        return render(request, "staff/events/announce.html", {"form": self._form()})

    def post(self, request):
        form = self._form(request.POST)
        if not form.is_valid():
            return render(request, "staff/events/announce.html", {"form": form})
        data = form.cleaned_data
        events = list(data["events"])
        if "create" not in request.POST:
            preview = build_announcement(events)
            return render(request, "staff/events/announce.html", {"form": form, "preview": preview})
        try:
            release = announcement_release(
                actor=request.user,
                events=events,
                dateline_city=data["dateline_city"],
                dateline_region=data["dateline_region"],
                release_date=data["release_date"],
                distribution=data["distribution"],
            )
        except WorkflowPermissionDenied as exc:
            raise PermissionDenied(str(exc)) from None
        messages.success(request, f"Draft release created: “{release.headline}”. It goes through the release review.")
        return redirect(release.get_staff_url())
