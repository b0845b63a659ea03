"""Reads of the governance pages: who the public reads on the board and in management at a moment, and the
committees with their members.

Visibility is decided at read time from the columns and ``now``
(``objects.public(now)``): an approved change to the board is public from its
``publish_at`` to the second, with or without the sweep. A person is listed
on the board (or in management) by the revision the public reads, while its
service has not ended (the end of the last day of service in the company's
home time zone, kept on the revision as ``listed_until``). Each page
reads a fixed number of queries whatever the number of people and committees:
the people of the list with their revisions in one, the committees in one,
the addresses of the public committee charters in one. The people and the committees are read in
reviewed statements (``PEOPLE_SQL``, ``COMMITTEES_SQL``).
"""

import datetime
import json
from dataclasses import dataclass

from django.db.models import Q
from django.urls import reverse

from governance.content import CommitteeDocument, Membership, PersonDocument
from governance.models import Committee, Person, PersonPhoto
from irportal.ops.moments import Moments
from irportal.workflow import languages
from irportal.workflow.models import public_revision_column, public_revision_id_sql, public_sql, public_sql_parameters
from reports.selectors import governance_documents_public, public_addresses

# Far more than any board and management team; a page never reads more.
PEOPLE_SHOWN = 200
COMMITTEES_SHOWN = 40


def _serving(now: datetime.datetime, role: str | None = None):
    """Public people whose public revision's service has not ended at ``now`` and, given a ``role`` (``on_board``,
    ``in_management``), whose public revision has it. The columns are aliased to select on, not selected (a query
    writes out only those it filters or orders by), and only those the query reads: each is a conditional
    expression the ORM builds and compiles."""
    people = (
        Person.objects.public(now)
        .alias(public_listed_until=public_revision_column("listed_until", now))
        .filter(Q(public_listed_until__isnull=True) | Q(public_listed_until__gt=now))
    )
    if role is None:
        return people
    return people.alias(**{f"public_{role}": public_revision_column(role, now)}).filter(**{f"public_{role}": True})


def _photo_address() -> str:
    return reverse("governance:photo", args=["TOKEN"]).replace("TOKEN", "{token}")


# The governance pages' people and committees in reviewed statements (plain SQL, PostgreSQL and SQLite alike): the
# ORM builds and compiles a conditional expression of the public rule for each column of the public revision a list
# reads (four for the people), several milliseconds of every page, for queries the database runs in well under one.
# Each applies the rule of ``objects.public(now)`` and ``public_revision_column``: an approved item whose embargo has
# come (and whose gate, if one holds it, has opened) reads its approved revision, any other item with a live revision
# that is not withdrawn reads its live one; a person is listed by that revision while their service has not ended.
# tests/governance/test_public_pages.py holds them to the ORM's reading at many moments.
_PUBLIC_REVISION = f"""revision.id = {public_revision_id_sql("item")} WHERE {public_sql("item")}"""
# The board's (``on_board``) or management's (``in_management``) people, the public revision's content of each.
PEOPLE_SQL = {
    role: f"""
SELECT item.id, revision.content AS public_content
FROM governance_person item JOIN governance_personrevision revision ON {_PUBLIC_REVISION}
  AND revision.{role} AND (revision.listed_until IS NULL OR revision.listed_until > %(now)s)
ORDER BY revision."order", item.id LIMIT %(shown)s
"""  # noqa: S608 - made of the statement's own parts; every value is a parameter
    for role in ("on_board", "in_management")
}
COMMITTEES_SQL = f"""
SELECT item.id, revision.content AS public_content
FROM governance_committee item JOIN governance_committeerevision revision ON {_PUBLIC_REVISION}
ORDER BY item.id LIMIT %(shown)s
"""  # noqa: S608 - made of the statement's own parts; every value is a parameter


def _parameters(now: datetime.datetime, shown: int) -> dict:
    return public_sql_parameters(now) | {"shown": shown}


def public_committees(now: datetime.datetime) -> dict[int, CommitteeDocument]:
    """Every public committee as the public reads it, by id, in committee order (one query: ``COMMITTEES_SQL``)."""
    committees = Committee.objects.raw(COMMITTEES_SQL, _parameters(now, COMMITTEES_SHOWN))
    docs = [
        CommitteeDocument(languages.in_active_language(json.loads(committee.public_content)), committee=committee)
        for committee in committees
    ]
    return {doc.committee.pk: doc for doc in sorted(docs, key=lambda doc: doc.sort_key)}


def _people(now: datetime.datetime, *, board: bool, committees: dict) -> list[PersonDocument]:
    # Only the content the public reads (``PEOPLE_SQL``): the page shows nothing of the person's row. Read as a
    # raw queryset, which adapts ``now`` as the ORM does for the database (SQLite compares datetimes as text).
    people = Person.objects.raw(PEOPLE_SQL["on_board" if board else "in_management"], _parameters(now, PEOPLE_SHOWN))
    contents = [json.loads(person.public_content) for person in people]
    address = _photo_address()
    docs = [
        PersonDocument(languages.in_active_language(content), photo_address=address, committees=committees)
        for content in contents
    ]
    return sorted(docs, key=lambda doc: (doc.content["order"], doc.content["name"]))


def board(now: datetime.datetime) -> list[PersonDocument]:
    """The board of directors, each with the public committees they sit on."""
    return _people(now, board=True, committees=public_committees(now))


def management(now: datetime.datetime) -> list[PersonDocument]:
    return _people(now, board=False, committees={})


@dataclass
class Matrix:
    """The committee composition: the board's members (rows) by the public committees (columns)."""

    committees: list[CommitteeDocument]
    rows: list[tuple[PersonDocument, list[Membership | None]]]


def composition(now: datetime.datetime) -> Matrix:
    """The committees with their charters and members (chair first), and the matrix of the board by committee."""
    committees = public_committees(now)
    charters = public_addresses(
        {doc.content["charter"]["id"] for doc in committees.values() if doc.content["charter"]}, now
    )
    for doc in committees.values():
        doc.charter_url = charters.get((doc.content["charter"] or {}).get("id"), "")
    members = _people(now, board=True, committees=committees)
    rows = []
    for person in members:
        by_committee = {membership.committee.committee.pk: membership for membership in person.memberships}
        rows.append((person, [by_committee.get(pk) for pk in committees]))
        for membership in by_committee.values():
            membership.committee.members.append((person, membership.chair))
    for doc in committees.values():
        doc.members.sort(key=lambda member: not member[1])
    return Matrix(committees=list(committees.values()), rows=rows)


def public_photo(token: str, now: datetime.datetime) -> PersonPhoto | None:
    """A portrait, only while the revision the public reads of its person names it."""
    photo = PersonPhoto.objects.select_related("person__live_revision", "person__approved_revision").filter(token=token)
    photo = photo.first()
    if photo is None:
        return None
    revision = photo.person.public_revision(now)
    if revision is None or (revision.content["photo"] or {}).get("token") != token:
        return None
    return photo


def section_checks(now: datetime.datetime) -> dict:
    """What each governance page shows, as querysets: the page has something to show when one has a row."""
    return {
        "board": [_serving(now, "on_board")],
        "committees": [Committee.objects.public(now)],
        "management": [_serving(now, "in_management")],
        "documents": [governance_documents_public(now)],
    }


def sections(present: set[str]) -> list[str]:
    """The governance pages that have something to show, in the order of the section's menu.

    ``present``: the names of ``section_checks`` with a row, as the navigation read them (``present_sections``).
    The committee composition is a page of the board's: without a board member, no committee is shown.
    """
    shown = [name for name in ("board", "committees", "management", "documents") if name in present]
    return [name for name in shown if name != "committees" or "board" in present]


def service_end_moments(now: datetime.datetime) -> list[Moments]:
    """When a listed person's service ends after ``now``: the end of their last day, kept on the revision."""
    return [Moments(_serving(now).filter(public_listed_until__gt=now), "public_listed_until")]
