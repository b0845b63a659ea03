"""Template helpers of the staff console: ``{% load console %}``."""

from datetime import datetime

from django import template
from django.utils import translation
from django.utils.translation import pgettext_lazy

from company.templatetags.company_time import when
from irportal.workflow import languages

register = template.Library()

ACTION_LABELS = {
    "submit": pgettext_lazy("workflow action", "Submit"),
    "request_changes": pgettext_lazy("workflow action", "Request changes"),
    "approve": pgettext_lazy("workflow action", "Approve"),
    "schedule": pgettext_lazy("workflow action", "Schedule"),
    "publish": pgettext_lazy("workflow action", "Publish"),
    "withdraw": pgettext_lazy("workflow action", "Withdraw"),
}


@register.filter
def title_of(item, kind) -> str:
    """What a row or a page is named by: the kind's title field (a release's headline, an event's title)."""
    return kind.title_of(item)


@register.filter
def action_label(transition: str) -> str:
    return ACTION_LABELS.get(transition, transition)


@register.filter
def date_of(item, kind) -> str:
    """The date that tells two items of the same name apart (an event's start in company time, a release's
    dateline date); empty for a kind without one."""
    value = getattr(item, kind.date_field, None) if kind.date_field else None
    if value is None:
        return ""
    return when(value, "" if isinstance(value, datetime) else "date")


@register.filter
def public_url(item) -> str:
    """The item's public page in the console's language when the company discloses in it, else in the primary
    language (a console read in French links to the English page of a company that discloses in English only)."""
    language = translation.get_language()
    if language not in languages.disclosure_languages():
        language = languages.primary()
    with translation.override(language):
        return item.get_absolute_url()
