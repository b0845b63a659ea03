"""Announcements on the console: the events a release announces (on the release's review screen) and the
workflow state of either side, an item approved with an embargo ahead ``Scheduled for`` it."""

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
    home_zone = CompanyProfile.load().home_time_zone
    links = release.event_announcements.select_related("event").order_by("event__starts_at", "event__pk")
    rows = [
        {
            "event": link.event,
            "heading": heading(link.event.title, link.event.organizer),
            "when": timefmt.when(link.event.starts_at, link.event.time_zone, home_zone),
        }
        for link in links
    ]
    return {"rows": rows, "release": release}


@register.filter
def workflow_state(item) -> str:
    """A release's or an event's state, in the console's zone (the company's)."""
    return timefmt.state(item, timezone.now(), timezone.get_current_timezone_name())
