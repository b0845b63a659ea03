"""The announcement of upcoming events: pick them, preview the release, create it as a draft.

Events themselves are on the shared console (``events.console``); an event's
review screen links here with the event chosen (``?events=<pk>``).
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext
from django.views import View

from company.models import CompanyProfile
from events import timefmt
from events.announce import announcement_release, build_announcement, follow_ups_for
from events.forms import AnnounceForm
from events.models import Event
from irportal.audit.permissions import StaffPermissionMixin
from irportal.workflow import languages
from irportal.workflow.engine import WorkflowError, WorkflowPermissionDenied


class AnnounceView(StaffPermissionMixin, View):
    """Pick upcoming events (each shown with its date, time and state), preview the announcement, create it."""

    permission_required = ("events.view_event", "releases.add_release")
    template_name = "staff/events/announce.html"

    def _form(self, data=None, chosen=()):
        company, now = CompanyProfile.load(), timezone.now()
        choices = (
            Event.objects.announceable(now)
            .only("pk", "title", "organizer", "starts_at", "time_zone", "status", "publish_at")
            .prefetch_related("announcements__release")
        )
        initial = {
            "events": list(chosen),
            "release_date": now.astimezone(timefmt.zone(company.home_time_zone)).date(),
            "dateline_city": company.dateline_city,
            "dateline_region": company.dateline_region,
            "distribution": company.distribution,
        }
        return AnnounceForm(
            data,
            events_queryset=choices,
            home_zone=company.home_time_zone,
            now=now,
            initial=initial,
            follow_ups=follow_ups_for(self.request.user),
        )

    def _render(self, request, form, events=None):
        missing = CompanyProfile.load().missing_for_releases
        # The draft in every disclosure language, the primary first, as the release will hold it.
        previews = [
            (language, languages.name(language), build_announcement(events, language=language))
            for language in (languages.disclosure_languages() if events else ())
        ]
        context = {"form": form, "preview": previews[0][2] if previews else None, "previews": previews}
        return render(request, self.template_name, context | {"missing": missing})

    def get(self, request):
        chosen = [value for value in request.GET.getlist("events") if value.isdigit()]
        return self._render(request, self._form(chosen=chosen))

    def post(self, request):
        form = self._form(request.POST)
        if not form.is_valid():
            return self._render(request, form)
        data = form.cleaned_data
        events = list(data["events"])
        if "create" not in request.POST:
            return self._render(request, form, events=events)
        try:
            release = announcement_release(
                actor=request.user,
                events=events,
                follow_ups=form.chosen_follow_ups(),
                dateline_city=data["dateline_city"],
                dateline_region=data["dateline_region"],
                release_date=data["release_date"],
                distribution=data["distribution"],
            )
        except WorkflowPermissionDenied as exc:
            raise PermissionDenied(str(exc)) from None
        except WorkflowError as exc:  # a follow-up refused: nothing was created
            form.add_error(None, str(exc))
            return self._render(request, form)
        messages.success(
            request,
            gettext("Draft release created: “%(headline)s”. It goes through the release review.")
            % {"headline": release.headline},
        )
        made = [item for item in release.followed.values() if hasattr(item, "get_staff_url")]
        return redirect(made[0].get_staff_url() if made else release.get_staff_url())
