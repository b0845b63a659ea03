"""Checks shown before a document is approved: each a warning with what to fix (see irportal.workflow.checks).

Financial documents carry market-moving news like a release: the same
embargo timing warnings apply. Beyond those: a document that would be public
before the results release it belongs to, results dated before their quarter
ended, a thumbnail that could not be made, and CSV cells that a spreadsheet
program may take for formulas.
"""

import datetime

from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from company.models import CompanyProfile
from irportal.workflow.checks import Check
from irportal.workflow.models import State
from releases.checks import embargo_timing, lazy_date_text, lazy_lower
from reports.models import Document, DocumentFile

CODES = frozenset({"past", "market_hours", "after_close", "release_timing", "period", "thumbnail", "formulas"})


def check_release_timing(document: Document) -> list[Check]:
    """The results release should be public no later than the documents that go with it."""
    release = document.release
    if release is None or release.status == State.WITHDRAWN:
        return [Check("release_timing", _("The linked results release was withdrawn."))] if release else []
    if release.is_live:
        return []
    if release.status != State.APPROVED or release.publish_at is None:
        return [
            Check(
                "release_timing",
                format_lazy(
                    _(
                        "The results release “{headline}” is {state} and not scheduled: this document may be public "
                        "before it."
                    ),
                    headline=release.headline,
                    state=lazy_lower(release.get_status_display()),
                ),
            )
        ]
    if document.publish_at is None or document.publish_at < release.publish_at:
        return [
            Check(
                "release_timing",
                format_lazy(
                    _(
                        "This document would be public before its results release (embargoed until {embargo}); give "
                        "it the same embargo or a later one."
                    ),
                    embargo=f"{timezone.localtime(release.publish_at):%Y-%m-%d %H:%M %Z}",
                ),
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
                format_lazy(
                    _(
                        "Results for Q{quarter} FY{year} are dated {date}, but that quarter ends {end}: check "
                        "the period."
                    ),
                    quarter=document.fiscal_quarter,
                    year=document.fiscal_year,
                    date=lazy_date_text(document.document_date),
                    end=lazy_date_text(ends),
                ),
            )
        ]
    return []


def check_files(document: Document) -> list[Check]:
    warnings = []
    for item in document.files.filter(removed=False):
        if item.thumbnail_state == DocumentFile.Thumbnail.FAILED:
            warnings.append(
                Check(
                    "thumbnail",
                    format_lazy(
                        _("No thumbnail could be made of “{file}”: {error}"),
                        file=item.label,
                        error=item.thumbnail_error,
                    ),
                )
            )
        if item.formula_cells:
            warnings.append(
                Check(
                    "formulas",
                    format_lazy(
                        ngettext_lazy(
                            "“{file}” has {count} cell beginning with =, +, - or @. It is only ever downloaded, but "
                            "a spreadsheet program opening it may run them as formulas: make sure they are meant.",
                            "“{file}” has {count} cells beginning with =, +, - or @. It is only ever downloaded, "
                            "but a spreadsheet program opening it may run them as formulas: make sure they are meant.",
                            item.formula_cells,
                        ),
                        file=item.label,
                        count=item.formula_cells,
                    ),
                )
            )
    return warnings


def document_checks(document: Document, now: datetime.datetime | None = None) -> list[Check]:
    profile = CompanyProfile.load()
    now = now or timezone.now()
    return (
        embargo_timing(document.publish_at, profile, now, subject=_("the document"))
        + check_release_timing(document)
        + check_period(document, profile)
        + check_files(document)
    )
