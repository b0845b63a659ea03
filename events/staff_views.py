"""The staff console for events: list, calendar, create and edit, the workflow buttons,
cancellation, the replay link and window, and the announcement of upcoming events.

Every view checks its permission on the server (refusals are audited); every
staff view of an event the public cannot read yet is an insider-access record.
"""

import calendar
from datetime import date, datetime, time, timedelta

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.views import View
from django.views.generic import ListView, TemplateView

from company.models import CompanyProfile
from events import selectors, services, timefmt
from events.announce import build_announcement
from events.forms import AnnounceForm, EventForm, ReasonForm, ReplayUrlForm, ReplayWindowForm, ScheduleForm, local
from events.models import Event
from events.workflow import (
    EVENT,
    disclosure_problems,
    event_approve,
    event_publish,
    event_request_changes,
    event_schedule,
    event_submit,
    event_withdraw,
)
from irportal.audit.models import AuditEntry
from irportal.audit.permissions import StaffPermissionMixin
from irportal.workflow import engine
from irportal.workflow.engine import EditConflict, WorkflowError, WorkflowPermissionDenied
from irportal.workflow.models import State


def _home_zone() -> str:
    return CompanyProfile.load().home_time_zone


class StaffEvent:
    """An event row with its times written for staff: both zones."""

    def __init__(self, event: Event, home_zone: str):
        self.event = event
        self.home_zone = home_zone

    def __getattr__(self, name):
        return getattr(self.event, name)

    def _when(self, value):
        return timefmt.when(value, self.event.time_zone, self.home_zone) if value else ""

    @property
    def starts(self):
        return self._when(self.event.starts_at) or "Date to be set"

    @property
    def replay_from(self):
        return self._when(self.event.replay_available_at)

    @property
    def replay_until(self):
        return self._when(self.event.replay_expires_at)


class EventListView(StaffPermissionMixin, ListView):
    permission_required = "events.view_event"
    template_name = "staff/events/list.html"
    paginate_by = 50

    def get_queryset(self):
        events = Event.objects.order_by("-starts_at", "-pk")
        status = self.request.GET.get("status", "")
        if status in State.values:
            events = events.filter(status=status)
        return events

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        home = _home_zone()
        soon = selectors.replays_changing_soon(timezone.now())
        return context | {
            "rows": [StaffEvent(event, home) for event in context["object_list"]],
            "going_live": [StaffEvent(event, home) for event in soon["going_live"]],
            "expiring": [StaffEvent(event, home) for event in soon["expiring"]],
            "soon_days": soon["days"],
            "status_filter": self.request.GET.get("status", ""),
            "statuses": State.choices,
        }


class EventCalendarView(StaffPermissionMixin, TemplateView):
    """A month of events in the company's home zone: ``?month=2026-12``."""

    permission_required = "events.view_event"
    template_name = "staff/events/calendar.html"

    def get(self, request, *args, **kwargs):
        home = _home_zone()
        today = timezone.now().astimezone(timefmt.zone(home)).date()
        try:
            first = datetime.strptime(request.GET["month"], "%Y-%m").date() if "month" in request.GET else today
        except ValueError:
            return HttpResponseBadRequest("Give the month as YYYY-MM.")
        if not 1900 <= first.year <= 9000:
            return HttpResponseBadRequest("Give a month between 1900 and 9000.")
        first = first.replace(day=1)
        days_in_month = calendar.monthrange(first.year, first.month)[1]
        zone = timefmt.zone(home)
        start = datetime.combine(first, time.min, zone)
        end = datetime.combine(first + timedelta(days=days_in_month), time.min, zone)
        by_day: dict[date, list] = {}
        for event in Event.objects.filter(starts_at__gte=start, starts_at__lt=end).order_by("starts_at"):
            by_day.setdefault(event.starts_at.astimezone(zone).date(), []).append(StaffEvent(event, home))
        weeks = [
            [{"day": day, "in_month": day.month == first.month, "events": by_day.get(day, [])} for day in week]
            for week in calendar.Calendar(firstweekday=6).monthdatescalendar(first.year, first.month)
        ]
        previous = (first - timedelta(days=1)).replace(day=1)
        following = first + timedelta(days=days_in_month)
        context = self.get_context_data(
            month=first, weeks=weeks, previous=f"{previous:%Y-%m}", following=f"{following:%Y-%m}", home_zone=home
        )
        return self.render_to_response(context)


class EventCreateView(StaffPermissionMixin, View):
    permission_required = "events.add_event"

    def get(self, request):
        form = EventForm(initial={"replay_days": CompanyProfile.load().default_replay_days})
        return render(request, "staff/events/form.html", {"form": form})

    def post(self, request):
        form = EventForm(request.POST)
        if not form.is_valid():
            return render(request, "staff/events/form.html", {"form": form})
        try:
            event = services.event_create(
                actor=request.user, replay_days=form.cleaned_data["replay_days"], **form.content_fields()
            )
        except WorkflowPermissionDenied as exc:
            raise PermissionDenied(str(exc)) from None
        messages.success(request, f"The event “{event.title}” was saved as a draft.")
        return redirect(event.get_staff_url())


class EventMixin(StaffPermissionMixin):
    """Loads the event; an unpublished one opened by staff goes on the insider-access record."""

    permission_required = "events.view_event"
    access_view = "detail"

    def dispatch(self, request, *args, **kwargs):
        self.event = get_object_or_404(Event, pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def record_access(self):
        engine.record_access(EVENT, item=self.event, actor=self.request.user, view=self.access_view)


class EventDetailView(EventMixin, View):
    def get(self, request, pk):
        self.record_access()
        return render(request, "staff/events/detail.html", self.context())

    def context(self, **forms):
        event, user = self.event, self.request.user
        home = _home_zone()
        defaults = {
            "replay_url_form": ReplayUrlForm(
                event=event,
                initial={
                    "replay_url": event.replay_url,
                    "available_local": local(event.replay_available_at, event.time_zone)
                    if event.replay_available_at_fixed
                    else None,
                },
            ),
            "window_form": ReplayWindowForm(initial={"days": event.replay_days}),
            "cancel_form": ReasonForm(label="Reason for the cancellation"),
            "reason_form": ReasonForm(label="Comment or reason"),
        }
        return (
            defaults
            | forms
            | {
                "event": event,
                "row": StaffEvent(event, home),
                "allowed": engine.allowed_transitions(EVENT, event, user),
                "problems": disclosure_problems(event),
                "can_change": user.has_perm("events.change_event"),
                "can_cancel": user.has_perm("events.cancel_event") and not event.is_cancelled,
                "revisions": event.revisions.all()[:20],
                "comments": engine.comments_for(EVENT, event),
                "approvals": engine.approvals_for(EVENT, event),
                "history": AuditEntry.objects.for_object(event).order_by("-sequence")[:100],
                "public_now": event.public_revision(timezone.now()) is not None,
            }
        )


class EventEditView(EventMixin, View):
    permission_required = "events.change_event"
    access_view = "edit"

    def get(self, request, pk):
        self.record_access()
        form = EventForm(initial=EventForm.initial_for(self.event), event=self.event)
        return self._render(form, self.event.version)

    def _render(self, form, base_version, status=200):
        context = {"form": form, "event": self.event, "base_version": base_version}
        return render(self.request, "staff/events/form.html", context, status=status)

    def post(self, request, pk):
        self.record_access()
        form = EventForm(request.POST, event=self.event)
        try:
            base_version = int(request.POST.get("base_version", ""))
        except ValueError:
            return HttpResponseBadRequest("The form is missing its revision number; open it again.")
        if not form.is_valid():
            return self._render(form, base_version)
        try:
            event = services.event_update(
                actor=request.user, pk=self.event.pk, base_version=base_version, **form.content_fields()
            )
        except EditConflict as exc:
            form.add_error(None, f"{exc} Open the event again to see their changes; nothing was saved.")
            return self._render(form, base_version, status=409)
        except WorkflowPermissionDenied as exc:
            raise PermissionDenied(str(exc)) from None
        except WorkflowError as exc:
            form.add_error(None, str(exc))
            return self._render(form, base_version)
        messages.success(request, f"Saved as revision {event.version}.")
        return redirect(event.get_staff_url())


def _run(request, event, call, success: str):
    """Run one change; a refusal becomes a message (or a 403), never a server error."""
    try:
        call()
    except WorkflowPermissionDenied as exc:
        raise PermissionDenied(str(exc)) from None
    except WorkflowError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, success)
    return redirect(event.get_staff_url())


TRANSITIONS = {
    "submit": (event_submit, "Submitted for review."),
    "approve": (event_approve, "Approved."),
    "schedule": (event_schedule, "Scheduled: the event goes public at the time you set."),
    "publish": (event_publish, "Published: the event is on the public pages."),
    "request_changes": (event_request_changes, "Sent back to the author with your comment."),
    "withdraw": (event_withdraw, "Withdrawn from the public pages."),
}


class EventTransitionView(EventMixin, View):
    def post(self, request, pk, transition):
        if transition not in TRANSITIONS:
            return HttpResponseBadRequest("Unknown action.")
        function, success = TRANSITIONS[transition]
        text = request.POST.get("reason", "")
        kwargs = {"event_id": self.event.pk, "actor": request.user}
        if transition == "schedule":
            schedule = ScheduleForm(request.POST)
            if not schedule.is_valid():
                messages.error(request, "Nothing was scheduled: give a date and time, e.g. 2027-01-13 16:30.")
                return HttpResponseBadRequest("Give the date and time from which the event may be public.")
            kwargs["publish_at"] = schedule.cleaned_data["publish_at"]
        elif transition == "withdraw":
            kwargs["reason"] = text
        elif transition in {"request_changes", "submit", "approve"}:
            kwargs["comment"] = text
        return _run(request, self.event, lambda: function(**kwargs), success)


class _EventFormPost(EventMixin, View):
    """A form posted from the event page: on a bad value the page comes back with the error."""

    form_class = None
    context_name = ""

    def form_kwargs(self):
        return {}

    def post(self, request, pk):
        form = self.form_class(request.POST, **self.form_kwargs())
        if not form.is_valid():
            detail = EventDetailView(request=request, event=self.event, kwargs=self.kwargs)
            return render(request, "staff/events/detail.html", detail.context(**{self.context_name: form}), status=400)
        return _run(request, self.event, lambda: self.change(form.cleaned_data), self.success)


class EventReplayUrlView(_EventFormPost):
    permission_required = "events.change_event"
    form_class = ReplayUrlForm
    context_name = "replay_url_form"
    success = "The replay link was saved."

    def form_kwargs(self):
        return {"event": self.event}

    def change(self, data):
        services.event_replay_url_set(
            actor=self.request.user, pk=self.event.pk, replay_url=data["replay_url"], available_at=data["available_at"]
        )


class EventReplayWindowView(_EventFormPost):
    permission_required = "events.change_event"
    form_class = ReplayWindowForm
    context_name = "window_form"
    success = "The replay window was changed."

    def change(self, data):
        services.event_replay_window_change(
            actor=self.request.user, pk=self.event.pk, days=data["days"], reason=data["reason"]
        )


class EventCancelView(_EventFormPost):
    permission_required = "events.cancel_event"
    form_class = ReasonForm
    context_name = "cancel_form"
    success = "The event is marked cancelled."

    def change(self, data):
        services.event_cancel(actor=self.request.user, pk=self.event.pk, reason=data["reason"])


def _release_link(release) -> str:
    try:
        return release.get_staff_url()
    except NoReverseMatch:
        return ""


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
        initial = {"release_date": timezone.now().astimezone(timefmt.zone(_home_zone())).date()}
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
        from events.announce import announcement_release

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
        return redirect(_release_link(release) or reverse("events_staff:list"))
