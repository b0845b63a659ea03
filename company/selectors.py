"""Reads about the company profile."""

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
