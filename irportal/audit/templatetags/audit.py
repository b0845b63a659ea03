"""Links from console pages into the audit log: ``{% load audit %}{% audit_history_url release %}``."""

from django import template
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _

from irportal.audit.insiders import INSIDER_KINDS
from irportal.audit.models import object_type_of

register = template.Library()


@register.simple_tag
def audit_history_url(obj) -> str:
    """The object's timeline in the audit explorer (the "History" link of a release or event page)."""
    return reverse("audit:object", args=[object_type_of(obj), str(obj.pk)])


@register.simple_tag
def insider_list_url(obj) -> str:
    """The insider list of a release or event; empty for other objects."""
    object_type = object_type_of(obj)
    if object_type not in INSIDER_KINDS:
        return ""
    return reverse("audit:insider_list", args=[object_type, str(obj.pk)])


@register.simple_tag
def actor(entry) -> str:
    """Who did it: a person's username, or a badge for the system and for anonymous visitors.

    Entries without a user are the system's (the scheduler, workers) or a
    visitor's; they are shown as badges so that no user, whatever their name,
    looks like the system.
    """
    if entry.actor_id is None and entry.actor_label == "system":
        return format_html('<span class="badge text-bg-dark" data-actor="system">{}</span>', _("System"))
    if entry.actor_id is None:
        return format_html(
            '<span class="badge text-bg-light border" data-actor="anonymous">{}</span>', _("Anonymous visitor")
        )
    return format_html('<span data-actor="user">{}</span>', entry.actor_label)
