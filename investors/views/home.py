from django.shortcuts import render
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.views.generic import TemplateView

from company.middleware import request_company
from events.selectors import investor_page_events
from filings.selectors import latest_filings
from investors.sitemaps import request_sections
from irportal.workflow.languages import disclosure_languages
from releases.selectors import active_contact_groups, latest_public_documents, public_about
from reports.selectors import investor_page_documents


class InvestorHomeView(TemplateView):
    """The Investor Information page: latest news, upcoming events and replays, the About text, contacts."""

    template_name = "public/investors.html"

    def get_context_data(self, **kwargs):
        now = timezone.now()
        company = request_company(self.request)
        return super().get_context_data(
            company=company,
            latest_releases=latest_public_documents(now),
            about=public_about(get_language()),
            contact_groups=active_contact_groups(get_language()),
            latest_filings=latest_filings(company.cik) if company.cik else [],
            **investor_page_events(now, home_zone=company.home_time_zone),
            **investor_page_documents(now),
            **kwargs,
        )


def robots_txt(request):
    return render(
        request,
        "public/robots.txt",
        {"sitemap_url": request.build_absolute_uri("/sitemap.xml")},
        content_type="text/plain; charset=utf-8",
    )


def sitemap_index(request):
    """The sitemap's index: each section in every disclosure language (``/sitemap-news.xml``,
    ``/fr/sitemap-news.xml``), each followed by its further pages (``?p=2`` ...), written in one pass (the news
    section alone has hundreds of pages at a hundred thousand releases)."""
    sections = {name: section().paginator.num_pages for name, section in request_sections(request).items()}
    locations = []
    for language in disclosure_languages():
        with translation.override(language):
            for name, pages in sections.items():
                # Escaped once: a further page's address only adds "?p=" and its number.
                address = escape(request.build_absolute_uri(reverse("sitemap_section", kwargs={"section": name})))
                locations += [address, *(f"{address}?p={number}" for number in range(2, pages + 1))]
    entries = "".join(f"<sitemap><loc>{location}</loc></sitemap>\n" for location in locations)
    context = {"entries": mark_safe(entries)}  # noqa: S308 - the addresses are escaped above
    return TemplateResponse(request, "public/sitemap_index.xml", context, content_type="application/xml")
