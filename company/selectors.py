"""Reads about the company profile."""

from functools import reduce
from operator import or_

from django.db.models import BooleanField, Exists, ExpressionWrapper, Q

from company.models import CompanyProfile
from irportal.audit.models import AuditEntry

PROFILE_ACTIONS = ("company.profile_update", "investors.profile_update")
NAME_FIELDS = ("legal_name", "short_name")


def former_names(profile: CompanyProfile) -> list[str]:
    """The names the profile gave the company before, as its audit history records them (a demo company's,
    an old name), leaving out any that the current names contain."""
    current = [profile.legal_name.casefold(), profile.short_name.casefold()]
    entries = AuditEntry.objects.filter(action__in=PROFILE_ACTIONS)
    names = set()
    for changes in entries.values_list("changes", flat=True):
        for field in NAME_FIELDS:
            before = ((changes or {}).get(field) or {}).get("before")
            if before and not any(before.casefold() in name for name in current):
                names.add(before)
    return sorted(names)


def section_flags(checks: dict) -> dict:
    """Annotations of the profile's row: ``has_<name>``, an ``EXISTS`` over the querysets of each name in ``checks``."""
    return {
        f"has_{name}": ExpressionWrapper(reduce(or_, (Q(Exists(queryset)) for queryset in querysets)), BooleanField())
        for name, querysets in checks.items()
        if querysets
    }


def sections_present(checks: dict) -> set[str]:
    """The names in ``checks`` (name -> querysets) with a row in any of their querysets, in one query: an
    ``EXISTS`` each on the company profile's row (a query each without a profile, which only a new site lacks).

    The public site asks it which of its sections have something to show, whatever the number of rows.
    """
    flags = section_flags(checks)
    row = CompanyProfile.objects.filter(pk=CompanyProfile.SINGLETON_PK).annotate(**flags).values(*flags).first()
    if row is None:
        return {name for name, querysets in checks.items() if any(queryset.exists() for queryset in querysets)}
    return {name for name in checks if row.get(f"has_{name}")}
