"""Links from console pages into the audit log: ``{% load audit %}{% audit_history_url release %}``."""

from django import template
from django.urls import reverse

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
