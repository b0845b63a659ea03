"""The public governance pages: the board, the committee composition, management, governance documents.

What is public is decided from the columns and the clock, to the second. A
page with nothing to show answers 404, as an address that never existed; so
does a portrait that the revision the public reads does not name.
"""

from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext, pgettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_safe

from company.files import inline_image
from company.middleware import request_company
from governance import selectors
from investors.navigation import pages_of, present_sections
from reports.selectors import governance_documents

HEADINGS = {
    "board": _("Board of directors"),
    "committees": _("Committee composition"),
    "management": _("Management"),
    "documents": _("Governance documents"),
}


def _page(request, section: str, now, **context):
    sections = selectors.sections(pages_of(present_sections(now, request_company(request)), "governance"))
    if section not in sections:
        raise Http404("Nothing to show here")
    context |= {"sections": sections, "section": section, "heading": HEADINGS[section]}
    return render(request, f"public/governance/{section}.html", context)


@require_safe
def board(request):
    now = timezone.now()
    return _page(request, "board", now, people=selectors.board(now))


def _matrix_rows(matrix: selectors.Matrix) -> str:
    """The rows of the committee matrix, a director's each: their name (a link to their place on the board's page),
    whether they are independent and a cell for each committee (one of three: chair, member, not a member), written
    once here with the words translated once, rather than by the template for each of directors by committees."""
    board_url = conditional_escape(reverse("governance:board"))
    independence = {
        True: conditional_escape(gettext("Independent")),
        False: format_html('<span class="visually-hidden">{}</span>', gettext("Not independent")),
    }
    cell = '<td class="text-center"><abbr title="{}">{}</abbr></td>'
    absent = '<td class="text-center"><span class="visually-hidden">{}</span></td>'
    cells = {
        None: format_html(absent, gettext("Not a member")),
        True: format_html(cell, gettext("Chair"), pgettext("committee chair, abbreviated", "C")),
        False: format_html(cell, gettext("Member"), pgettext("committee member, abbreviated", "M")),
    }
    rows = []
    for person, row in matrix.rows:
        anchor, name = conditional_escape(person.anchor), conditional_escape(person.name)
        html = "".join(cells[None if membership is None else bool(membership.chair)] for membership in row)
        rows.append(
            f'\n    <tr>\n      <th scope="row"><a href="{board_url}#{anchor}">{name}</a></th>\n'
            f"      <td>{independence[bool(person.independent)]}</td>\n      {html}\n    </tr>\n    "
        )
    return mark_safe("".join(rows))  # noqa: S308 - each value escaped above


def _committee_members(matrix: selectors.Matrix) -> list[tuple]:
    """Each committee with the line of its members (each a link to their place on the board's page, the chair's
    marked), written once here with its words translated once, rather than by the template for each member."""
    board_url = reverse("governance:board")
    chair = " " + conditional_escape(gettext("(chair)"))
    link = '<a href="{}#{}">{}</a>'
    committees = []
    for doc in matrix.committees:
        members = (
            format_html(link, board_url, person.anchor, person.name) + (chair if is_chair else "")
            for person, is_chair in doc.members
        )
        committees.append((doc, mark_safe(", ".join(members))))  # noqa: S308 - each name escaped by format_html
    return committees


@require_safe
def committees(request):
    now = timezone.now()
    matrix = selectors.composition(now)
    return _page(
        request,
        "committees",
        now,
        matrix=matrix,
        matrix_rows=_matrix_rows(matrix),
        committee_members=_committee_members(matrix),
    )


@require_safe
def management(request):
    now = timezone.now()
    return _page(request, "management", now, people=selectors.management(now))


@require_safe
def documents(request):
    now = timezone.now()
    return _page(request, "documents", now, categories=governance_documents(now))


@require_safe
def photo(request, token):
    found = selectors.public_photo(token, timezone.now())
    if found is None:
        raise Http404("No such photo")
    return inline_image(found.image, private=False)
