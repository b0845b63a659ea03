"""A person's lines written in Python, for the public pages and the console's preview: their service (since when, until
when) and the committees they sit on."""

from django import template
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext

register = template.Library()


@register.simple_tag
def service_line(doc, listed_as: str) -> str:
    """``Director since`` (``In the role since`` for management or without a board title) the start, and
    ``; serving until`` a last day when there is one: each value escaped, written in one pass for each person
    rather than by a ``blocktranslate`` rendering its block."""
    if listed_as == "management" or not doc.board_title:
        since = gettext('In the role since <time datetime="%(start)s">%(since)s</time>')
    else:
        since = gettext('Director since <time datetime="%(start)s">%(since)s</time>')
    html = since % {"start": conditional_escape(doc.service_start), "since": conditional_escape(doc.since_text)}
    if doc.until:
        until = gettext('; serving until <time datetime="%(end)s">%(until)s</time>')
        html += until % {"end": conditional_escape(doc.service_end), "until": conditional_escape(doc.until_text)}
    return mark_safe(html)  # noqa: S308 - the translated markup with each value escaped above


@register.simple_tag
def memberships_line(memberships) -> str:
    """The committees a person sits on by name, the chair's marked (``Audit (chair), Risk``), in one pass."""
    chair = " " + conditional_escape(gettext("(chair)"))
    names = (
        conditional_escape(membership.committee.name) + (chair if membership.chair else "")
        for membership in memberships
    )
    return mark_safe(", ".join(names))  # noqa: S308 - each name escaped above
