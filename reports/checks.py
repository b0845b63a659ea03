"""Checks shown before a document is approved: each a warning with what to fix (see irportal.workflow.checks).

Financial documents carry market-moving news like a release: the same
embargo timing warnings apply. Beyond those: a document that would be public
before the results release it belongs to, results dated before their quarter
ended, a thumbnail that could not be made, and CSV cells that a spreadsheet
program may take for formulas.
"""

import datetime

from django.utils import timezone

from company.models import CompanyProfile
from company.timefmt import date_text
from irportal.workflow.checks import Check
from irportal.workflow.models import State
from releases.checks import embargo_timing
from reports.models import Document, DocumentFile

CODES = frozenset({"past", "market_hours", "after_close", "release_timing", "period", "thumbnail", "formulas"})


def check_release_timing(document: Document) -> list[Check]:
    """The results release should be public no later than the documents that go with it."""
    release = document.release
    if release is None or release.status == State.WITHDRAWN:
        return [Check("release_timing", "The linked results release was withdrawn.")] if release else []
    if release.is_live:
        return []
    if release.status != State.APPROVED or release.publish_at is None:
        return [
            Check(
                "release_timing",
                f"The results release “{release.headline}” is {release.get_status_display().lower()} and not "
                "scheduled: this document may be public before it.",
            )
        ]
    if document.publish_at is None or document.publish_at < release.publish_at:
        return [
            Check(
                "release_timing",
                "This document would be public before its results release (embargoed until "
                f"{timezone.localtime(release.publish_at):%Y-%m-%d %H:%M %Z}); "
                "give it the same embargo or a later one.",
            )
        ]
    return []


def check_period(document: Document, profile: CompanyProfile) -> list[Check]:
    if document.kind != Document.Kind.QUARTERLY_RESULTS or document.fiscal_quarter is None:
        return []
    ends = profile.fiscal_year_end.quarter_end(document.fiscal_year, document.fiscal_quarter)
    if document.document_date <= ends:
        return [
            Check(
                "period",
                f"Results for Q{document.fiscal_quarter} FY{document.fiscal_year} are dated "
                f"{date_text(document.document_date)}, but that quarter ends {date_text(ends)}: check the period.",
            )
        ]
    return []


def check_files(document: Document) -> list[Check]:
    warnings = []
    for item in document.files.filter(removed=False):
        if item.thumbnail_state == DocumentFile.Thumbnail.FAILED:
            warnings.append(Check("thumbnail", f"No thumbnail could be made of “{item.label}”: {item.thumbnail_error}"))
        if item.formula_cells:
            warnings.append(
                Check(
                    "formulas",
                    f"“{item.label}” has {item.formula_cells} cell{'s' if item.formula_cells != 1 else ''} "
                    "beginning with =, +, - or @. It is only ever downloaded, but a spreadsheet program opening "
                    "it may run them as formulas: make sure they are meant.",
                )
            )
    return warnings


def document_checks(document: Document, now: datetime.datetime | None = None) -> list[Check]:
    profile = CompanyProfile.load()
    now = now or timezone.now()
    return (
        embargo_timing(document.publish_at, profile, now, noun="document")
        + check_release_timing(document)
        + check_period(document, profile)
        + check_files(document)
    )
