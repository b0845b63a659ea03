"""Public event pages and calendars: what is public is decided from the columns and the clock, to the second.

Anything not public answers the same 404 as an address that never existed.
"""

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from events import ics, selectors
from reports.selectors import slides_for_event


@require_safe
def event_list(request):
    """Current and upcoming events first, then the past events of one year (``?year=``), paginated (``?page=``).

    The first page without a year shows the upcoming events and the most recent year's past events; an
    unknown year or page answers 404.
    """
    raw_year, number = request.GET.get("year", ""), request.GET.get("page")
    year = int(raw_year) if raw_year.isdigit() and len(raw_year) == 4 else None
    upcoming = not raw_year and number in (None, "", "1")
    listing = selectors.events_page(
        timezone.now(), company=request.company, year=year, number=number, upcoming=upcoming
    )
    unknown_year = raw_year != "" and year not in listing.years
    page = listing.page
    context = {
        "listing": listing,
        "page": page,
        "unknown_year": unknown_year,
        "page_range": page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1) if page else [],
        "year_query": f"year={listing.year}&" if listing.year else "",
        "pages_label": _("Pages of the past events in %(year)s") % {"year": listing.year},
        "calendar_months": selectors.CALENDAR_MONTHS_BACK,
        "upcoming_shown": selectors.UPCOMING_SHOWN,
    }
    return render(request, "public/events/list.html", context, status=404 if unknown_year or page is None else 200)


def _public_or_404(slug, now):
    doc = selectors.public_document(slug, now)
    if doc is None:
        raise Http404("No such event.")
    return doc


@require_safe
def event_detail(request, slug):
    """The event, with its slides once they are public (the replay block links them too)."""
    now = timezone.now()
    doc = _public_or_404(slug, now)
    return render(request, "public/events/detail.html", {"doc": doc, "slides": slides_for_event(doc.event.pk, now)})


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
    """The events of the last ``CALENDAR_MONTHS_BACK`` months and every event ahead."""
    now = timezone.now()
    documents = selectors.calendar_documents(now)
    return _calendar_response(documents, name=_("Investor events"), filename="events.ics", now=now)
