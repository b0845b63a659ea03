"""The public SEC filings page: the filings imported from EDGAR, by form group and year, newest first.

Without a CIK on the company profile the section does not exist: its
addresses answer 404, as any address that never existed.
"""

from django.http import Http404
from django.shortcuts import render
from django.utils.html import conditional_escape as esc
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from company.models import CompanyProfile
from filings import selectors
from filings.groups import FormGroup
from investors.templatetags.ir import public_date


def filing_rows(filings) -> str:
    """The filings table's rows, written in one pass with the page's words translated once: translation tags and
    lookups in the template, for each of a page's filings, would take most of the page's time. Each value is
    escaped as the template escaped it; the hidden ends of the links' text name the form and its date for screen
    readers (the interactive data's link ends as the files')."""
    document, files, viewer = esc(_("Document")), esc(_("All files")), esc(_("Interactive data"))
    document_end, files_end = _(": %(form)s of %(filed)s"), _(" of the %(form)s of %(filed)s")
    rows = []
    for filing in filings:
        form, filed = esc(filing.form), public_date(filing.filing_date)
        words = {"form": form, "filed": filed}
        files_text = f'<span class="visually-hidden">{files_end % words}</span>'
        rows.append(
            f'<tr>\n  <td>{filed}</td>\n  <th scope="row">{form}</th>\n'
            f"  <td>{esc(filing.title or filing.get_form_group_display())}</td>\n"
            f'  <td>{public_date(filing.report_date)}</td>\n  <td class="ir-filing-links">\n'
            f'    <a href="{esc(filing.document_url)}" rel="external">{document}'
            f'<span class="visually-hidden">{document_end % words}</span></a>\n'
            f'    · <a href="{esc(filing.index_url)}" rel="external">{files}{files_text}</a>\n    '
        )
        if viewer_url := filing.viewer_url:
            rows.append(f'· <a href="{esc(viewer_url)}" rel="external">{viewer}{files_text}</a>')
        rows.append("\n  </td>\n</tr>\n")
    return mark_safe("".join(rows))  # noqa: S308 - every value is escaped


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
