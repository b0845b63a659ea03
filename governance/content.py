"""A person's and a committee's content as JSON snapshots, and how pages read them back.

The snapshot is what a revision stores and hashes. A person's memberships
name the committee's id and, for people reading a comparison, its name when
saved; the pages show a committee under the name of the revision the public
reads at that moment, and leave out a committee that is not public.
"""

import datetime
from dataclasses import dataclass

from company.timefmt import date_text
from governance.models import Committee, Person
from irportal.workflow.models import SnapshotDocument


def person_content(person: Person) -> dict:
    names = dict(
        Committee.objects.filter(pk__in=[item["committee"] for item in person.memberships]).values_list("pk", "name")
    )
    return {
        "slug": person.slug,
        "name": person.name,
        "board_title": person.board_title,
        "management_title": person.management_title,
        "independent": person.independent,
        "memberships": [
            {"committee": item["committee"], "name": names.get(item["committee"], ""), "chair": item["chair"]}
            for item in person.memberships
        ],
        "service_start": person.service_start.isoformat(),
        "service_end": person.service_end.isoformat() if person.service_end else None,
        "biography": person.biography,
        "photo": person.photo.snapshot() if person.photo_id else None,
        "order": person.order,
    }


def committee_content(committee: Committee) -> dict:
    charter = committee.charter
    return {
        "slug": committee.slug,
        "name": committee.name,
        "description": committee.description,
        "charter": {"id": charter.pk, "title": charter.title, "slug": charter.slug} if charter else None,
        "order": committee.order,
    }


@dataclass(frozen=True)
class Membership:
    committee: "CommitteeDocument"
    chair: bool


class PersonDocument(SnapshotDocument):
    """Read access for templates: ``doc.name``, ``doc.photo_url``, ``doc.memberships`` (public committees only)."""

    def __init__(self, content: dict, *, photo_address: str, committees: dict | None = None):
        """``photo_address`` is where the photo is served, with ``{token}`` in it (public or staff)."""
        super().__init__(content)
        self.photo_address = photo_address
        self._committees = committees or {}

    @property
    def anchor(self) -> str:
        return self.content["slug"]

    @property
    def photo_url(self) -> str:
        photo = self.content["photo"]
        return self.photo_address.format(token=photo["token"]) if photo else ""

    @property
    def since(self) -> datetime.date:
        return datetime.date.fromisoformat(self.content["service_start"])

    @property
    def since_text(self) -> str:
        return date_text(self.since)

    @property
    def until(self) -> datetime.date | None:
        end = self.content["service_end"]
        return datetime.date.fromisoformat(end) if end else None

    @property
    def until_text(self) -> str:
        return date_text(self.until) if self.until else ""

    @property
    def memberships(self) -> list[Membership]:
        """The committees (those given when this document was made) the person sits on, in committee order."""
        found = [
            Membership(self._committees[item["committee"]], item["chair"])
            for item in self.content["memberships"]
            if item["committee"] in self._committees
        ]
        return sorted(found, key=lambda membership: membership.committee.sort_key)


class CommitteeDocument(SnapshotDocument):
    """Read access for templates: ``doc.name``, ``doc.charter_url``; ``members`` filled by the page's selector."""

    def __init__(self, content: dict, *, committee: Committee, charter_url: str = ""):
        super().__init__(content)
        self.committee = committee
        self.charter_url = charter_url
        self.members: list[tuple[PersonDocument, bool]] = []

    @property
    def anchor(self) -> str:
        return self.content["slug"]

    @property
    def sort_key(self) -> tuple:
        return (self.content["order"], self.content["name"], self.committee.pk)

    @property
    def chair(self) -> PersonDocument | None:
        return next((person for person, chair in self.members if chair), None)
