"""Public event pages and calendars: what is public is decided from the columns and the clock, to the second.

Anything not public answers the same 404 as an address that never existed.
"""

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from events import ics, selectors


@require_safe
def event_list(request):
    now = timezone.now()
    upcoming, past = selectors.upcoming_and_past(selectors.public_documents(now))
    return render(request, "public/events/list.html", {"upcoming": upcoming, "past": past})


def _public_or_404(slug, now):
    doc = selectors.public_document(slug, now)
    if doc is None:
        raise Http404("No such event.")
    return doc


@require_safe
def event_detail(request, slug):
    return render(request, "public/events/detail.html", {"doc": _public_or_404(slug, timezone.now())})


def _calendar_response(documents, *, name, filename, now):
    response = HttpResponse(
        ics.calendar_bytes(documents, name=name, now=now), content_type="text/calendar; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@require_safe
def event_ics(request, slug):
    now = timezone.now()
    doc = _public_or_404(slug, now)
    return _calendar_response([doc], name=doc.title, filename=f"{slug}.ics", now=now)


@require_safe
def events_ics(request):
    now = timezone.now()
    documents = sorted(selectors.public_documents(now), key=lambda doc: doc.starts_at)
    return _calendar_response(documents, name="Investor events", filename="events.ics", now=now)
