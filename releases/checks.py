"""Checks shown to author and approver before approval: each a warning with what to fix.

They do not block approval: an approver may have good reason (a release that
must go out during market hours), but they decide knowing it: each warning
shown must be acknowledged to approve (``irportal.workflow.checks``).
"""

import datetime
import re
import zoneinfo
from collections.abc import Callable
from dataclasses import dataclass

from django.utils import timezone
from django.utils.dates import WEEKDAYS as WEEKDAY_NAMES
from django.utils.functional import lazy
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from company.models import CompanyProfile
from company.selectors import former_names
from company.timefmt import clock, date_text
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
        "other_company",
        "announced_not_public",
        "announced_changed",
        "announced_cancelled",
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
# A check's message is read in the reader's language and kept, with an acknowledgement, in the primary one
# (``irportal.workflow.checks``): the dates and times in it are written when it is read.
lazy_date_text = lazy(date_text, str)
lazy_clock = lazy(clock, str)
lazy_lower = lazy(lambda text: str(text).lower(), str)  # a state's name as a sentence says it
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
            warnings.append(Check("date", format_lazy(_("“{text}” is not a real date."), text=match.group(0))))
            continue
        if WEEKDAYS[named.weekday()] != match["weekday"]:
            warnings.append(
                Check(
                    "weekday",
                    format_lazy(
                        _("The text says “{text}”, but {date} is a {weekday}."),
                        text=match.group(0),
                        date=lazy_date_text(named),
                        weekday=WEEKDAY_NAMES[named.weekday()],
                    ),
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
                format_lazy(
                    _("The dateline says {dateline}, but the release goes out on {date}: make them agree."),
                    dateline=lazy_date_text(release.release_date),
                    date=lazy_date_text(local, weekday=True),
                ),
            )
        ]
    return []


def check_listing(release: Release, profile: CompanyProfile) -> list[Check]:
    expected = f"({profile.exchange}: {profile.ticker})"
    found = {f"({m['exchange']}: {m['ticker']})" for m in LISTING.finditer(_text(release))}
    if not found:
        return [
            Check(
                "listing",
                format_lazy(
                    _("The release never names the listing; write the company name with {listing}."), listing=expected
                ),
            )
        ]
    wrong = sorted(found - {expected})
    if wrong:
        return [
            Check(
                "listing",
                format_lazy(
                    _("The release says {found}; the company profile says {listing}."),
                    found=", ".join(wrong),
                    listing=expected,
                ),
            )
        ]
    return []


def check_attachments(release: Release) -> list[Check]:
    warnings = []
    if not release.contacts.exists():
        warnings.append(Check("contacts", _("No contact is attached: pick at least one investor or media contact.")))
    if release.about_id is None:
        warnings.append(Check("about", _("No “About” boilerplate is attached.")))
    if release.safe_harbor_id is None:
        warnings.append(Check("safe_harbor", _("No forward-looking statements text is attached.")))
    return warnings


def check_timing(release: Release, profile: CompanyProfile, now: datetime.datetime) -> list[Check]:
    return embargo_timing(release.publish_at, profile, now, subject=_("the release"))


def embargo_timing(
    publish_at: datetime.datetime | None, profile: CompanyProfile, now: datetime.datetime, *, subject: str
) -> list[Check]:
    """An embargo in the past, in US market hours or too soon after the close (any kind that carries news);
    ``subject`` names what goes public (``the release``)."""
    if publish_at is None:
        return []
    if publish_at <= now:
        return [
            Check(
                "past",
                format_lazy(
                    _("The embargo time is in the past: {subject} would be public the moment it is approved."),
                    subject=subject,
                ),
            )
        ]
    eastern = publish_at.astimezone(EASTERN)
    if eastern.weekday() >= 5:
        return []
    earliest = AFTER_CLOSE_EARLIEST.get(profile.exchange, datetime.time(16, 15))
    time_of_day = eastern.time()
    if MARKET_OPEN <= time_of_day < MARKET_CLOSE:
        return [
            Check(
                "market_hours",
                format_lazy(
                    _(
                        "{time} ET is inside US market hours (9:30 am to 4:00 pm ET). Material news goes out before "
                        "the open or after the close ({exchange}: not before {earliest} ET)."
                    ),
                    time=lazy_clock(eastern),
                    exchange=profile.exchange,
                    earliest=lazy_clock(earliest),
                ),
            )
        ]
    if MARKET_CLOSE <= time_of_day < earliest:
        return [
            Check(
                "after_close",
                format_lazy(
                    _("{time} ET is too soon after the close: {exchange} asks for {earliest} ET or later."),
                    time=lazy_clock(eastern),
                    exchange=profile.exchange,
                    earliest=lazy_clock(earliest),
                ),
            )
        ]
    return []


_SUFFIX = re.compile(r",?\s+(?:Inc|Corp|Corporation|Co|Ltd|Limited|LLC|plc|PLC|AG|SE|N\.V|S\.A|GmbH)\.?$")


def _name_patterns(names) -> list[tuple[str, re.Pattern]]:
    """Each name, and the name without its corporate suffix, as a whole-word, any-case pattern."""
    patterns = []
    for name in names:
        for form in {name, _SUFFIX.sub("", name)}:
            if len(form) >= 3:
                patterns.append((name, re.compile(rf"(?<!\w){re.escape(form)}(?!\w)", re.IGNORECASE)))
    return patterns


def _domain_names(email: str) -> set[str]:
    """``ir@halvorsen-instruments.example`` → ``{"halvorseninstruments", "example"}``."""
    return {re.sub(r"[^a-z0-9]", "", label) for label in email.rpartition("@")[2].lower().split(".")}


def check_other_company(release: Release, profile: CompanyProfile) -> list[Check]:
    """A blocker for boilerplate or contacts written for another company: the demo company's, or one the profile
    named before (its audit history), or a listing with another ticker."""
    former = former_names(profile)
    patterns = _name_patterns(former)
    expected = f"({profile.exchange}: {profile.ticker})"
    blockers = []
    for version in filter(None, [release.about, release.safe_harbor]):
        text = f"{version.title} {plain_text(version.text)}"
        named = sorted({name for name, pattern in patterns if pattern.search(text)})
        listings = sorted({m.group(0) for m in LISTING.finditer(text)} - {expected})
        if version.boilerplate.is_demo and not release.is_demo:
            blockers.append(
                Check(
                    "other_company",
                    format_lazy(_("“{name}” was written for the demo company."), name=version.boilerplate.name),
                    blocking=True,
                )
            )
        elif named or listings:
            blockers.append(
                Check(
                    "other_company",
                    format_lazy(
                        _("“{name}” names {names}, not {listing}: attach the company's own text."),
                        name=version.boilerplate.name,
                        names=", ".join(named + listings),
                        listing=profile.listing,
                    ),
                    blocking=True,
                )
            )
    keys = {re.sub(r"[^a-z0-9]", "", form.lower()) for name in former for form in (name, _SUFFIX.sub("", name))}
    for contact in release.contacts.all():
        named = any(pattern.search(contact.organization) for _, pattern in patterns)
        if (contact.is_demo and not release.is_demo) or named or (_domain_names(contact.email) & keys - {""}):
            where = ", ".join(filter(None, [contact.organization, contact.email]))
            blockers.append(
                Check(
                    "other_company",
                    format_lazy(
                        _(
                            "The contact {name} ({where}) is another company's, not {company}'s: pick the "
                            "company's own contacts."
                        ),
                        name=contact.name,
                        where=where,
                        company=profile.legal_name,
                    ),
                    blocking=True,
                )
            )
    return blockers


@dataclass(frozen=True)
class Announced:
    """Something a release announces (an event), and what is wrong with it at the release's second:
    ``not_public`` (the public cannot read it then), ``changed`` (it will say something else than when the
    release was written from it), ``cancelled`` (cancelled or withdrawn since), or ``""``."""

    title: str
    problem: str


_ANNOUNCED: list[Callable[[Release], list[Announced]]] = []


def register_announced(source: Callable[[Release], list[Announced]]) -> None:
    """Called by an app whose items releases announce (events), from its ``ready()``."""
    if source not in _ANNOUNCED:
        _ANNOUNCED.append(source)


def check_announced(release: Release) -> list[Check]:
    warnings = []
    for item in (item for source in _ANNOUNCED for item in source(release)):
        if item.problem == "not_public":
            warnings.append(
                Check(
                    "announced_not_public",
                    format_lazy(
                        _(
                            "“{title}” is announced but will not be public when the release goes out: approve it "
                            "with the same embargo or publish it first, or its link answers “not found”."
                        ),
                        title=item.title,
                    ),
                )
            )
        elif item.problem == "changed":
            warnings.append(
                Check(
                    "announced_changed",
                    format_lazy(
                        _(
                            "“{title}” changed after the release was written from it: check its bullet, or announce "
                            "it again."
                        ),
                        title=item.title,
                    ),
                )
            )
        elif item.problem == "cancelled":
            warnings.append(
                Check(
                    "announced_cancelled",
                    format_lazy(_("“{title}” was cancelled or withdrawn after it was announced."), title=item.title),
                )
            )
    return warnings


def release_checks(release: Release, now: datetime.datetime | None = None) -> list[Check]:
    profile = CompanyProfile.load()
    now = now or timezone.now()
    return (
        check_other_company(release, profile)
        + check_weekdays(release)
        + check_dateline_matches_embargo(release, profile)
        + check_listing(release, profile)
        + check_attachments(release)
        + check_timing(release, profile, now)
        + check_announced(release)
    )
