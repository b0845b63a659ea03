"""A person's article written in Python, for the public pages and the console's preview: their portrait, name and
titles, their service (since when, until when), the committees they sit on and their biography.

The markup is what the person's template wrote (each value escaped as it escaped it); the page's words are
translated once per list, not once per person.
"""

from django import template
from django.utils.html import conditional_escape as esc
from django.utils.safestring import mark_safe
from django.utils.translation import gettext

register = template.Library()


@register.simple_tag
def person_article(doc, listed_as: str) -> str:
    """One person's ``<article>`` (the console's preview of a revision): ``listed_as`` ``management`` leaves out
    the board title and the committees."""
    return mark_safe(_article(doc, listed_as, _words()))  # noqa: S308 - every value is escaped


@register.simple_tag
def people_articles(documents, listed_as: str) -> str:
    """An ``<article>`` per person of a page's list, each on its line."""
    words = _words()
    return mark_safe("".join(f"{_article(doc, listed_as, words)}\n" for doc in documents))  # noqa: S308 - escaped


def _words() -> dict:
    return {
        "independent": esc(gettext("Independent")),
        "committees": esc(gettext("Committees:")),
        "chair": " " + esc(gettext("(chair)")),
        "in_role": gettext('In the role since <time datetime="%(start)s">%(since)s</time>'),
        "director": gettext('Director since <time datetime="%(start)s">%(since)s</time>'),
        "until": gettext('; serving until <time datetime="%(end)s">%(until)s</time>'),
    }


def _article(doc, listed_as: str, words: dict) -> str:
    anchor, name = esc(doc.anchor), esc(doc.name)
    on_board = listed_as != "management"
    html = [
        f'<article class="ir-person row g-3 mb-4" id="{anchor}" aria-labelledby="person-{anchor}" '
        f'data-testid="person">\n  '
    ]
    if photo_url := doc.photo_url:
        html.append(
            f'<div class="col-auto"><img class="ir-portrait border" src="{esc(photo_url)}" alt="{name}" '
            f'width="{esc(doc.photo["width"])}" height="{esc(doc.photo["height"])}" loading="lazy"></div>'
        )
    html.append(f'\n  <div class="col">\n    <h2 class="h5 mb-1" id="person-{anchor}">{name}</h2>\n    ')
    if on_board and doc.board_title:
        badge = (
            f' <span class="badge text-bg-light border" data-testid="independent">{words["independent"]}</span>'
            if doc.independent
            else ""
        )
        html.append(f'<p class="mb-1" data-testid="board-title">{esc(doc.board_title)}{badge}</p>')
    html.append("\n    ")
    if doc.management_title:
        html.append(f'<p class="mb-1" data-testid="management-title">{esc(doc.management_title)}</p>')
    html.append(f'\n    <p class="small text-body-secondary mb-1">{_service(doc, listed_as, words)}</p>\n    ')
    if on_board and (memberships := doc.memberships):
        html.append(
            f'<p class="small mb-1" data-testid="memberships">{words["committees"]} '
            f"{_memberships(memberships, words)}</p>"
        )
    html.append("\n    ")
    if doc.biography:
        html.append(f'<div class="ir-biography">{doc.biography}</div>')
    html.append("\n  </div>\n</article>")
    return "".join(html)


def _service(doc, listed_as: str, words: dict) -> str:
    """``Director since`` (``In the role since`` for management or without a board title) the start, and
    ``; serving until`` a last day when there is one."""
    since = words["in_role"] if listed_as == "management" or not doc.board_title else words["director"]
    html = since % {"start": esc(doc.service_start), "since": esc(doc.since_text)}
    if doc.until:
        html += words["until"] % {"end": esc(doc.service_end), "until": esc(doc.until_text)}
    return html


def _memberships(memberships, words: dict) -> str:
    """The committees a person sits on by name, the chair's marked (``Audit (chair), Risk``)."""
    return ", ".join(
        esc(membership.committee.name) + (words["chair"] if membership.chair else "") for membership in memberships
    )
