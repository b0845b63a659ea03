"""Public pages of financial documents: results by fiscal year and quarter, reports, presentations, each document.

What is public is decided from the columns and the clock, to the second;
anything not public answers the same 404 as an address that never existed,
its files and thumbnail included. A withdrawn document answers 410.
"""

from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from reports import files, selectors
from reports.models import DocumentFile


def _year(request, years: list[int]) -> int | None:
    raw = request.GET.get("year", "")
    return int(raw) if raw.isdigit() and len(raw) == 4 and int(raw) in years else None


@require_safe
def financials(request):
    """Results by fiscal year and quarter, newest first: the latest fiscal years, or the one asked for."""
    now = timezone.now()
    years = selectors.financial_years(now)
    year = _year(request, years)
    shown = [year] if year else years[: selectors.FINANCIAL_YEARS_SHOWN]
    fiscal_years = selectors.financial_quarters(shown, now) if shown else []
    context = {"years": years, "year": year, "fiscal_years": fiscal_years}
    status = 404 if request.GET.get("year") and year is None else 200
    return render(request, "public/reports/financials.html", context, status=status)


def _paged(request, template: str, reader):
    page, paginator, documents = reader(timezone.now(), request.GET.get("page"))
    context = {"page": page, "paginator": paginator, "documents": documents}
    return render(request, template, context, status=404 if page is None else 200)


@require_safe
def reports(request):
    return _paged(request, "public/reports/reports.html", selectors.reports_page)


@require_safe
def presentations(request):
    return _paged(request, "public/reports/presentations.html", selectors.presentations_page)


@require_safe
def document_detail(request, slug):
    doc = selectors.public_document(slug, timezone.now())
    if doc is None:
        withdrawn = selectors.withdrawn_document(slug)
        if withdrawn is not None:
            return render(request, "public/reports/withdrawn.html", {"document": withdrawn}, status=410)
        raise Http404("No document at this address")
    return render(request, "public/reports/detail.html", {"doc": doc})


@require_safe
def document_file(request, slug, token, rendition):
    """A file of a document, or its thumbnail, only while the revision the public reads names it."""
    doc = selectors.public_document(slug, timezone.now())
    if doc is None or token not in doc.tokens():
        raise Http404("No such file")
    stored = DocumentFile.objects.select_related("document").filter(document=doc.document, token=token).first()
    response = files.serve(stored, rendition, private=False) if stored is not None else None
    if response is None:
        raise Http404("No such file")
    return response
