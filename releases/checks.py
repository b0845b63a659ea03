"""Checks shown to author and approver before approval: each a warning with what to fix.

They do not block approval: an approver may have good reason (a release that
must go out during market hours), but they decide knowing it: each warning
shown must be acknowledged to approve (``irportal.workflow.checks``).
"""

import datetime
import re
import zoneinfo

from django.utils import timezone

from company.models import CompanyProfile
from company.timefmt import clock, wire_date
from irportal.workflow.checks import Check
from releases.models import Release
from releases.sanitize import plain_text

# Every check's code: what an approver acknowledges.
CODES = frozenset(
    {
        "date",
        "weekday",
        "dateline",
        "listing",
        "contacts",
        "about",
        "safe_harbor",
        "past",
        "market_hours",
        "after_close",
    }
)
EASTERN = zoneinfo.ZoneInfo("America/New_York")
MARKET_OPEN = datetime.time(9, 30)
MARKET_CLOSE = datetime.time(16, 0)
# After-close guidance of the exchanges: not before these times (Eastern).
AFTER_CLOSE_EARLIEST = {
    "Nasdaq": datetime.time(16, 5),
    "NYSE": datetime.time(16, 15),
    "NYSE American": datetime.time(16, 15),
}

WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
MONTHS = {
    name: number
    for number, names in enumerate(
        [("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"), ("may",), ("jun", "june"),
         ("jul", "july"), ("aug", "august"), ("sep", "sept", "september"), ("oct", "october"), ("nov", "november"),
         ("dec", "december")],
        start=1,
    )
    for name in names
}  # fmt: skip
WEEKDAY_DATE = re.compile(
    r"\b(?P<weekday>"
    + "|".join(WEEKDAYS)
    + r"),\s+(?P<month>[A-Z][a-z]{2,8})\.?\s+(?P<day>\d{1,2})(?:,\s+(?P<year>\d{4}))?"
)
LISTING = re.compile(r"\((?P<exchange>Nasdaq|NYSE American|NYSE|TSX|LSE)\s*:\s*(?P<ticker>[A-Z][A-Z0-9.\-]{0,9})\)")


def _text(release: Release) -> str:
    return " ".join(
        [release.headline, release.subheadline, " ".join(release.highlights or []), plain_text(release.body)]
    )


def check_weekdays(release: Release) -> list[Check]:
    warnings = []
    for match in WEEKDAY_DATE.finditer(_text(release)):
        month = MONTHS.get(match["month"].lower().rstrip("."))
        if month is None:
            continue
        year = int(match["year"] or release.release_date.year)
        try:
            named = datetime.date(year, month, int(match["day"]))
        except ValueError:
            warnings.append(Check("date", f"“{match.group(0)}” is not a real date."))
            continue
        if WEEKDAYS[named.weekday()] != match["weekday"]:
            warnings.append(
                Check(
                    "weekday",
                    f"The text says “{match.group(0)}”, but {wire_date(named)} is a {WEEKDAYS[named.weekday()]}.",
                )
            )
    return warnings


def check_dateline_matches_embargo(release: Release, profile: CompanyProfile) -> list[Check]:
    if release.publish_at is None:
        return []
    local = release.publish_at.astimezone(zoneinfo.ZoneInfo(profile.home_time_zone)).date()
    if local != release.release_date:
        return [
            Check(
                "dateline",
                f"The dateline says {wire_date(release.release_date)}, but the release goes out on "
                f"{WEEKDAYS[local.weekday()]}, {wire_date(local)}: make them agree.",
            )
        ]
    return []


def check_listing(release: Release, profile: CompanyProfile) -> list[Check]:
    expected = f"({profile.exchange}: {profile.ticker})"
    found = {f"({m['exchange']}: {m['ticker']})" for m in LISTING.finditer(_text(release))}
    if not found:
        return [Check("listing", f"The release never names the listing; write the company name with {expected}.")]
    wrong = sorted(found - {expected})
    if wrong:
        return [Check("listing", f"The release says {', '.join(wrong)}; the company profile says {expected}.")]
    return []


def check_attachments(release: Release) -> list[Check]:
    warnings = []
    if not release.contacts.exists():
        warnings.append(Check("contacts", "No contact is attached: pick at least one investor or media contact."))
    if release.about_id is None:
        warnings.append(Check("about", "No “About” boilerplate is attached."))
    if release.safe_harbor_id is None:
        warnings.append(Check("safe_harbor", "No forward-looking statements text is attached."))
    return warnings


def check_timing(release: Release, profile: CompanyProfile, now: datetime.datetime) -> list[Check]:
    if release.publish_at is None:
        return []
    if release.publish_at <= now:
        return [
            Check("past", "The embargo time is in the past: the release would be public the moment it is approved.")
        ]
    eastern = release.publish_at.astimezone(EASTERN)
    if eastern.weekday() >= 5:
        return []
    earliest = AFTER_CLOSE_EARLIEST.get(profile.exchange, datetime.time(16, 15))
    time_of_day = eastern.time()
    if MARKET_OPEN <= time_of_day < MARKET_CLOSE:
        return [
            Check(
                "market_hours",
                f"{clock(eastern)} ET is inside US market hours (9:30 am to 4:00 pm ET). "
                f"Material news goes out before the open or after the close "
                f"({profile.exchange}: not before {clock(earliest)} ET).",
            )
        ]
    if MARKET_CLOSE <= time_of_day < earliest:
        return [
            Check(
                "after_close",
                f"{clock(eastern)} ET is too soon after the close: {profile.exchange} asks for "
                f"{clock(earliest)} ET or later.",
            )
        ]
    return []


def release_checks(release: Release, now: datetime.datetime | None = None) -> list[Check]:
    profile = CompanyProfile.load()
    now = now or timezone.now()
    return (
        check_weekdays(release)
        + check_dateline_matches_embargo(release, profile)
        + check_listing(release, profile)
        + check_attachments(release)
        + check_timing(release, profile, now)
    )
