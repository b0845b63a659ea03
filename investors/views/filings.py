"""The public SEC filings page: the filings imported from EDGAR, by form group and year, newest first.

Without a CIK on the company profile the section does not exist: its
addresses answer 404, as any address that never existed.
"""

from dataclasses import dataclass

from django.http import Http404
from django.shortcuts import render
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from company.models import CompanyProfile
from filings import selectors
from filings.groups import FormGroup
from filings.models import Filing
from investors.templatetags.ir import public_date


@dataclass(frozen=True)
class FilingRow:
    """A row of the filings table with its words written once, here: translation tags in the template, for each of
    a page's filings, would take most of the page's time. ``document`` and ``files`` end the links' text for
    screen readers (the interactive data's link ends as the files')."""

    filing: Filing
    filed: str
    description: str
    period: str
    document: str
    files: str


def filing_rows(filings) -> list[FilingRow]:
    rows = []
    for filing in filings:
        filed = public_date(filing.filing_date)
        words = {"form": escape(filing.form), "filed": filed}
        rows.append(
            FilingRow(
                filing=filing,
                filed=filed,
                description=filing.title or filing.get_form_group_display(),
                period=public_date(filing.report_date),
                # Both escaped (the form above, the date by public_date), as the template would.
                document=mark_safe(_(": %(form)s of %(filed)s") % words),  # noqa: S308
                files=mark_safe(_(" of the %(form)s of %(filed)s") % words),  # noqa: S308
            )
        )
    return rows


def filing_company() -> CompanyProfile:
    company = CompanyProfile.load()
    if not company.cik:
        raise Http404("No filings section")
    return company


@require_safe
def filing_list(request):
    """Filtered by ``group`` and ``year``, paginated; an unknown group, year or page answers 404."""
    company = filing_company()
    group = request.GET.get("group", "")
    if group and group not in FormGroup.values:
        raise Http404("No such form group")
    raw_year = request.GET.get("year", "")
    year = int(raw_year) if raw_year.isdigit() and len(raw_year) == 4 else None
    listing = selectors.filings_page(company.cik, group=group, year=year, number=request.GET.get("page"))
    context = {
        "company": company,
        "listing": listing,
        "page": listing.page,
        "rows": filing_rows(listing.page.object_list) if listing.page is not None else [],
        "group": group,
        "group_label": selectors.group_label(group),
        "groups": FormGroup.choices,
        "year": year,
    }
    missing = listing.page is None or (raw_year != "" and year not in listing.years)
    return render(request, "public/filings/list.html", context, status=404 if missing else 200)
