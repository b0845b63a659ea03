"""Template helpers of the staff console: ``{% load console %}``."""

from django import template

register = template.Library()

ACTION_LABELS = {
    "submit": "Submit",
    "request_changes": "Request changes",
    "approve": "Approve",
    "schedule": "Schedule",
    "publish": "Publish",
    "withdraw": "Withdraw",
}


@register.filter
def title_of(item, kind) -> str:
    """What a row or a page is named by: the kind's title field (a release's headline, an event's title)."""
    return kind.title_of(item)


@register.filter
def action_label(transition: str) -> str:
    return ACTION_LABELS.get(transition, transition)
