"""Checks shown before a change to the board, management or a committee is approved (``irportal.workflow.checks``).

A change of directors or officers is material news: the embargo timing
warnings of releases apply. Beyond those: a committee that would have two
chairs, or a membership of a committee the public cannot read yet (it would
not show until that committee is published).
"""

import datetime

from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from company.models import CompanyProfile
from governance.models import Committee, Person
from irportal.workflow.checks import Check
from irportal.workflow.models import State
from releases.checks import embargo_timing

CODES = frozenset({"past", "market_hours", "after_close", "two_chairs", "committee_not_public"})


def check_chairs(person: Person) -> list[Check]:
    """Another person whose working copy chairs a committee this person would chair."""
    chaired = {item["committee"] for item in person.memberships if item["chair"]}
    if not chaired:
        return []
    warnings = []
    others = Person.objects.exclude(pk=person.pk).exclude(status=State.WITHDRAWN).only("name", "memberships")
    names = dict(Committee.objects.filter(pk__in=chaired).values_list("pk", "name"))
    for other in others:
        for item in other.memberships:
            if item["chair"] and item["committee"] in chaired:
                warnings.append(
                    Check(
                        "two_chairs",
                        format_lazy(
                            _(
                                "{name} chairs the {committee} too: change their membership as well, or the "
                                "committee shows two chairs."
                            ),
                            name=other.name,
                            committee=names.get(item["committee"]) or pgettext_lazy("of an unknown name", "committee"),
                        ),
                    )
                )
    return warnings


def check_committees_public(person: Person, now: datetime.datetime) -> list[Check]:
    ids = [item["committee"] for item in person.memberships]
    public = set(Committee.objects.filter(pk__in=ids).public(now).values_list("pk", flat=True))
    names = dict(Committee.objects.filter(pk__in=ids).values_list("pk", "name"))
    return [
        Check(
            "committee_not_public",
            format_lazy(
                _("The {committee} is not public yet: this membership shows once the committee is published."),
                committee=names[pk],
            ),
        )
        for pk in ids
        if pk not in public and pk in names
    ]


def person_checks(person: Person, now: datetime.datetime | None = None) -> list[Check]:
    now = now or timezone.now()
    return (
        embargo_timing(person.publish_at, CompanyProfile.load(), now, subject=_("the change"))
        + check_chairs(person)
        + check_committees_public(person, now)
    )


def committee_checks(committee: Committee, now: datetime.datetime | None = None) -> list[Check]:
    return embargo_timing(committee.publish_at, CompanyProfile.load(), now or timezone.now(), subject=_("the change"))
