"""A committee's section written in Python, for the committee composition page and the console's preview: its name,
description, members and charter.

The markup is what the committee's template wrote (each value escaped as it escaped it); the page's words are
translated once per list, not once per committee.
"""

from django import template
from django.utils.html import conditional_escape as esc
from django.utils.safestring import mark_safe
from django.utils.translation import gettext

register = template.Library()


@register.simple_tag
def committee_section(doc, members: str) -> str:
    """One committee's ``<section>``; ``members``, the line of its members (the console's preview shows none)."""
    return mark_safe(_section(doc, members, esc(gettext("Members:"))))  # noqa: S308 - every value is escaped


@register.simple_tag
def committee_sections(committee_members) -> str:
    """A ``<section>`` per committee of the page, each on its line: ``committee_members``, each committee with the
    line of its members."""
    label = esc(gettext("Members:"))
    sections = (f"{_section(doc, members, label)}\n" for doc, members in committee_members)
    return mark_safe("".join(sections))  # noqa: S308 - every value is escaped


def _section(doc, members: str, label: str) -> str:
    anchor = esc(doc.anchor)
    html = [
        f'<section class="ir-committee mb-4" id="{anchor}" aria-labelledby="committee-{anchor}" '
        f'data-testid="committee">\n  <h2 class="h5" id="committee-{anchor}">{esc(doc.name)}</h2>\n  '
    ]
    if doc.description:
        html.append(f'<p class="mb-1">{esc(doc.description)}</p>')
    html.append("\n  ")
    if members:
        html.append(f'<p class="mb-1" data-testid="committee-members">{label} {esc(members)}</p>')
    html.append("\n  ")
    if doc.charter_url:
        html.append(f'<p class="mb-0"><a href="{esc(doc.charter_url)}">{esc(doc.charter["title"])}</a></p>')
    html.append("\n</section>")
    return "".join(html)
