"""The publication calendar: embargoes, events and replay windows of every kind, by month or week.

Staff read it in the console (``/staff/calendar/``) in company time, and
may subscribe a calendar program to a private address of their own (an ICS
feed). That address is a secret that works without signing in, so it names
an item the public cannot read yet only by its kind and number, never by its
title; it can be replaced or revoked at any time (audited), and it ends when the
user's sessions are ended everywhere else (``revoke_feed_when_sessions_end``).
"""

import calendar as month_grid
import secrets
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.contrib import messages
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import dateformat, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext
from django.views import View
from django.views.generic import TemplateView
from icalendar import Calendar
from icalendar import Event as VEvent

from irportal.audit.permissions import SignedInMixin
from irportal.audit.services import audit_record
from irportal.workflow import engine
from irportal.workflow.console import CalendarEntry, kinds
from irportal.workflow.models import CalendarFeed

FEED_PAST = timedelta(days=31)
FEED_AHEAD = timedelta(days=183)
ENTRY_LABELS = {
    "embargo": gettext_lazy("Embargo lifts"),
    "event": gettext_lazy("Event"),
    "replay_opens": gettext_lazy("Replay opens"),
    "replay_closes": gettext_lazy("Replay closes"),
}


def entries_for(user, start: datetime, end: datetime) -> list[tuple[object, CalendarEntry]]:
    """(kind, entry) of every kind ``user`` may open, between ``start`` and ``end``, in time order."""
    found = [
        (kind, entry)
        for kind in kinds()
        if user.has_perm(kind.perm("view"))
        for entry in kind.calendar_entries(start, end)
    ]
    return sorted(found, key=lambda pair: pair[1].at)


class CalendarView(SignedInMixin, TemplateView):
    """``?month=2026-12`` (the default: this month) or ``?week=2026-W50``, in company time."""

    template_name = "staff/console/calendar.html"

    def get(self, request, *args, **kwargs):
        today = timezone.localdate()
        try:
            if "week" in request.GET:
                first = datetime.strptime(request.GET["week"] + "-1", "%G-W%V-%u").date()
                days, view = [first + timedelta(days=n) for n in range(7)], "week"
            else:
                month = datetime.strptime(request.GET["month"], "%Y-%m").date() if "month" in request.GET else today
                first = month.replace(day=1)
                days, view = None, "month"
        except (ValueError, OverflowError):  # OverflowError: a week at the end of year 9999
            return HttpResponse(_("Give the month as YYYY-MM or the week as YYYY-Www."), status=400)
        if not 1900 <= first.year <= 9000:
            return HttpResponse(_("Give a date between 1900 and 9000."), status=400)
        if view == "month":
            weeks = month_grid.Calendar(firstweekday=6).monthdatescalendar(first.year, first.month)
            days = [day for week in weeks for day in week]
        start, end = _instant(days[0]), _instant(days[-1] + timedelta(days=1))
        pairs = entries_for(request.user, start, end)
        self._record_access(pairs)
        by_day: dict[date, list] = {}
        for kind, entry in pairs:
            row = {"kind": kind, "entry": entry, "label": ENTRY_LABELS[entry.kind]}
            by_day.setdefault(timezone.localtime(entry.at).date(), []).append(row)
        grid = [
            [
                {
                    "day": day,
                    "label": _day_label(day, view),
                    "in_range": view == "week" or day.month == first.month,
                    "entries": by_day.get(day, []),
                }
                for day in days[week : week + 7]
            ]
            for week in range(0, len(days), 7)
        ]
        context = self.get_context_data(
            view=view,
            heading=_heading(first, view),
            month=f"{first:%Y-%m}",
            grid=grid,
            today=today,
            now=timezone.now(),  # an embargo still ahead shows its countdown
            previous=_neighbour(view, first, -1),
            following=_neighbour(view, first, +1),
            this_week=f"{today:%G-W%V}",
            feed=CalendarFeed.objects.filter(user=request.user).first(),
        )
        return self.render_to_response(context)

    def _record_access(self, pairs):
        """The calendar names unpublished items: each is an insider read."""
        for kind in {kind for kind, _entry in pairs}:
            items = [entry.item for each, entry in pairs if each is kind and entry.item is not None]
            engine.record_access_many(kind.workflow, items=items, actor=self.request.user, view="calendar")


def _day_label(day: date, view: str) -> str:
    """A column's head: "Mon Dec 7" in a week, "Mon" in a month, in the reader's language (Django's date format)."""
    if view == "week":
        return dateformat.format(day, pgettext("a day's column in the calendar's week (Django date format)", "D M j"))
    return dateformat.format(day, "D")


def _heading(first: date, view: str) -> str:
    if view == "week":
        written = dateformat.format(first, pgettext("the first day in 'week of …' (Django date format)", "F j, Y"))
        return _("week of %(date)s") % {"date": written}
    return dateformat.format(first, pgettext("the calendar's month (Django date format)", "F Y"))


def _instant(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def _neighbour(view: str, first: date, step: int) -> str:
    if view == "week":
        return f"{first + timedelta(weeks=step):%G-W%V}"
    shifted = (first - timedelta(days=1)) if step < 0 else (first + timedelta(days=32))
    return f"{shifted:%Y-%m}"


class CalendarFeedManageView(SignedInMixin, View):
    """POST ``action=create`` for a new private address (replacing any), ``action=revoke`` to end it."""

    http_method_names = ["post"]

    def post(self, request):
        action = request.POST.get("action")
        if action not in {"create", "revoke"}:
            return HttpResponse(_("Say create or revoke."), status=400)
        with transaction.atomic():
            existed = CalendarFeed.objects.filter(user=request.user).delete()[0] > 0
            token = None
            if action == "create":
                token = secrets.token_urlsafe(32)
                CalendarFeed.objects.create(user=request.user, token_hash=CalendarFeed.hash_token(token))
            if action == "create" or existed:
                audit_record(
                    action=f"calendar.feed_{action}",
                    actor=request.user,
                    obj=request.user,
                    data={"replaced": existed} if action == "create" else {},
                )
        if token:
            url = request.build_absolute_uri(reverse("calendar_feed", args=[token]))
            messages.success(
                request, _("Your private calendar address (shown once; keep it secret): %(url)s") % {"url": url}
            )
        else:
            messages.success(request, _("Your private calendar address no longer works."))
        return redirect("console:calendar")


def revoke_feed_when_sessions_end(sender, *, actor, user, reason, **kwargs):
    """The private address works without signing in: when a user's sessions are ended everywhere else (signing
    out other sessions, a password change, a change of factors, a deactivation), it stops working too."""
    if CalendarFeed.objects.filter(user=user).delete()[0]:
        audit_record(action="calendar.feed_revoke", actor=actor, obj=user, data={"reason": reason})


def feed(request, token: str):
    """The private ICS feed: no session, the token is the key; unpublished items by kind and number only."""
    found = CalendarFeed.objects.filter(token_hash=CalendarFeed.hash_token(token)).select_related("user").first()
    if found is None or not found.user.is_active:
        raise Http404("No such calendar")
    now = timezone.now()
    CalendarFeed.objects.filter(pk=found.pk).update(last_used_at=now)
    site = settings.SITE_URL.rstrip("/")
    host = site.split("://", 1)[-1].split("/", 1)[0] or "ir-portal"
    ical = Calendar()
    ical.add("prodid", "-//IR Portal//Publication calendar//EN")
    ical.add("version", "2.0")
    ical.add("x-wr-calname", "IR publication calendar")
    for kind, entry in entries_for(found.user, now - FEED_PAST, now + FEED_AHEAD):
        public = entry.item is not None and entry.item.public_revision(now) is not None
        title = entry.title if public or entry.item is None else f"{kind.label.capitalize()} #{entry.item.pk}"
        vevent = VEvent()
        vevent.add("uid", f"{entry.kind}-{kind.slug}-{entry.item.pk if entry.item else entry.url}@{host}")
        vevent.add("dtstamp", now)
        vevent.add("dtstart", entry.at)
        if entry.ends_at:
            vevent.add("dtend", entry.ends_at)
        vevent.add("summary", f"{ENTRY_LABELS[entry.kind]}: {title}")
        vevent.add("url", settings.STAFF_SITE_URL + entry.url)  # staff addresses, on the staff host when it has one
        ical.add_component(vevent)
    response = HttpResponse(ical.to_ical(), content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "private, no-store"
    return response
