"""The public SEC filings page: the filings imported from EDGAR, by form group and year, newest first.

Without a CIK on the company profile the section does not exist: its
addresses answer 404, as any address that never existed.
"""

from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_safe

from company.models import CompanyProfile
from filings import selectors
from filings.groups import FormGroup


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
        "group": group,
        "group_label": selectors.group_label(group),
        "groups": FormGroup.choices,
        "year": year,
    }
    missing = listing.page is None or (raw_year != "" and year not in listing.years)
    return render(request, "public/filings/list.html", context, status=404 if missing else 200)
