"""The events a release announces, on the release's review screen: each with its date, time and state."""

from django import template
from django.utils import timezone

from company.models import CompanyProfile
from events import timefmt
from events.content import heading

register = template.Library()


@register.inclusion_tag("staff/events/_announced_events.html")
def announced_events(release):
    """Each event the release announces, in date order, with its state (``Scheduled for`` its embargo), so the
    approver sees which still need approving for the release's second."""
    home_zone, now = CompanyProfile.load().home_time_zone, timezone.now()
    links = release.event_announcements.select_related("event").order_by("event__starts_at", "event__pk")
    rows = [
        {
            "event": link.event,
            "heading": heading(link.event.title, link.event.organizer),
            "when": timefmt.when(link.event.starts_at, link.event.time_zone, home_zone),
            "state": timefmt.state(link.event, now, home_zone),
        }
        for link in links
    ]
    return {"rows": rows, "release": release}
