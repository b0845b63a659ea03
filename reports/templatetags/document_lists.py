"""Public document pages: the financials page's fiscal years and quarters, the reports and presentations pages'
lists, written in one Python pass.

The markup is what the templates wrote (each value escaped as they escaped it); the page's words are
translated once per list, not once per document.
"""

from itertools import groupby

from django import template
from django.utils.html import conditional_escape as esc
from django.utils.safestring import mark_safe
from django.utils.translation import gettext, ngettext

from company.numfmt import file_size_writer
from company.templatetags.company_time import when
from company.timefmt import date_writer
from events.templatetags.event_lists import event_replay

register = template.Library()


@register.simple_tag
def fiscal_year_links(years, year):
    """A link for each fiscal year (a company with a long history lists many), ``year``'s marked as the page."""
    named = gettext("FY%(year)s")
    links = []
    for each in years:
        shown = ' aria-current="page"' if each == year else ""
        links.append(
            f'<li class="nav-item"><a class="nav-link{" active" if shown else ""}" href="?year={each}"{shown}>'
            f"{esc(named % {'year': each})}</a></li>"
        )
    return mark_safe("".join(links))  # noqa: S308 - every value is escaped


@register.simple_tag
def document_webcast(event_doc):
    """A document's event: the live webcast's link while it is ahead, then the replay's line."""
    webcast = ""
    if event_doc.show_webcast:
        live = esc(gettext("Live webcast"))
        webcast = (
            f'<br><a href="{esc(event_doc.webcast_url)}" rel="noopener">{live}</a> '
            f'<span class="text-body-secondary">{esc(event_doc.when)}</span>'
        )
    return mark_safe(f"{webcast}\n{event_replay(event_doc)}\n")  # noqa: S308 - every value is escaped


@register.simple_tag
def fiscal_year_quarters(quarters):
    """A ``<section>`` per quarter of a fiscal year: its period, then its release, results, slides, webcast, other
    documents, filings and supplementary data."""
    words = {
        "ended": gettext("quarter ended %(ends)s"),
        "ending": gettext("quarter ending %(ends)s"),
        "release": esc(gettext("Results release:")),
        "slides": esc(gettext("Slides:")),
        "webcast": esc(gettext("Webcast:")),
        "filing": esc(gettext("Filing:")),
        "supplementary": esc(gettext("Supplementary data:")),
    }
    return mark_safe("".join(_quarter(quarter, words) for quarter in quarters))  # noqa: S308 - every value is escaped


def _quarter(quarter, words: dict) -> str:
    anchor, label = esc(quarter.anchor), esc(quarter.label)
    ends = (words["ended"] if quarter.ended else words["ending"]) % {"ends": when(quarter.ends_on, "date")}
    html = [
        f'\n<section id="{anchor}" class="border rounded p-3 mb-3 ir-quarter" aria-labelledby="{anchor}-heading" '
        f'data-testid="quarter" data-quarter="{label}">\n'
        f'  <h3 id="{anchor}-heading" class="h4">{label} <span class="h6 text-body-secondary">{ends}</span></h3>\n'
        '  <ul class="list-unstyled mb-0">\n    '
    ]
    if release := quarter.release:
        html.append(f'<li class="mb-1">{words["release"]} <a href="{esc(release.url)}">{esc(release.title)}</a></li>')
    html.append("\n    ")
    for entry in quarter.results:
        html.append(f'<li class="mb-1">{esc(entry.label)} <a href="{esc(entry.item.url)}">{esc(entry.item.title)}</a>')
        if entry.main:
            html.append(
                f' &middot; <a href="{esc(entry.main.url)}" download>PDF</a> '
                f'<span class="text-body-secondary">({esc(entry.size)})</span>'
            )
        html.append("</li>")
    html.append("\n    ")
    for entry in quarter.presentations:
        html.append(f'<li class="mb-1">{words["slides"]} <a href="{esc(entry.item.url)}">{esc(entry.item.title)}</a>')
        if main := entry.main:
            pages = ngettext("%(pages)s page", "%(pages)s pages", main.pages) % {"pages": main.pages}
            html.append(
                f' &middot; <a href="{esc(main.url)}" download>PDF</a> '
                f'<span class="text-body-secondary">({pages})</span>'
            )
        html.append("</li>")
    html.append("\n    ")
    if event := quarter.event:
        html.append(
            f'<li class="mb-1">{words["webcast"]} <a href="{esc(event.url)}">{esc(event.title)}</a>'
            f"{document_webcast(event.event_doc)}\n</li>"
        )
    html.append("\n    ")
    for entry in quarter.others:
        html.append(
            f'<li class="mb-1">{esc(entry.label)} <a href="{esc(entry.item.url)}">{esc(entry.item.title)}</a></li>'
        )
    html.append("\n    ")
    for filing in quarter.filings:
        html.append(
            f'<li class="mb-1">{words["filing"]} <a href="{esc(filing["url"])}" rel="noopener">'
            f"{esc(filing['label'])}</a></li>"
        )
    html.append("\n    ")
    for entry in quarter.supplementary:
        item = entry.item
        html.append(
            f'<li class="mb-1">{words["supplementary"]} <a href="{esc(item.url)}" download>{esc(item.label)}</a> '
            f'<span class="text-body-secondary">({esc(item.format.upper())}, {esc(entry.size)})</span></li>'
        )
    html.append("\n  </ul>\n</section>\n")
    return "".join(html)


@register.simple_tag
def report_years(documents):
    """A ``<section>`` per fiscal year of the listed annual reports, proxy statements and other documents (in the
    order given, newest fiscal year first), with an item per document: its link, kind and date, and its PDF with
    its size when it has one."""
    named = gettext("Fiscal year %(year)s")
    date, size = date_writer(), file_size_writer()
    kinds = {}
    html = []
    for year, group in groupby(documents, key=lambda doc: doc.content["fiscal_year"]):
        html.append(
            f'\n<section aria-labelledby="reports-fy{esc(year)}" class="mb-4">\n'
            f'  <h2 id="reports-fy{esc(year)}" class="h4">{named % {"year": esc(year)}}</h2>\n'
            '  <ul class="list-unstyled" data-testid="reports">\n    '
        )
        for doc in group:
            kind = doc.content["kind"]
            if kind not in kinds:
                kinds[kind] = esc(doc.kind_label)
            html.append(
                f'<li class="mb-2"><a href="{esc(doc.url)}">{esc(doc.title)}</a> '
                f'<span class="text-body-secondary">{kinds[kind]}, {esc(date(doc.date))}</span>'
            )
            if main := doc.main:
                html.append(
                    f' &middot; <a href="{esc(main.url)}" download>PDF</a> '
                    f'<span class="text-body-secondary">({esc(size(main.size))})</span>'
                )
            html.append("</li>")
        html.append("\n  </ul>\n</section>\n")
    return mark_safe("".join(html))  # noqa: S308 - every value is escaped


@register.simple_tag
def presentation_items(documents):
    """An item per presentation: its first page's thumbnail when there is one, its link, date and period."""
    html, date = [], date_writer()
    for doc in documents:
        url, main, day = esc(doc.url), doc.main, esc(date(doc.date))
        html.append('\n  <li class="col-sm-6 col-lg-4">\n    ')
        if main and main.thumbnail_url:
            html.append(
                f'<a href="{url}" tabindex="-1" aria-hidden="true"><img class="img-fluid border mb-2 ir-doc-thumb" '
                f'src="{esc(main.thumbnail_url)}" alt="" loading="lazy"></a>'
            )
        html.append(
            f'\n    <h2 class="h6 mb-0"><a href="{url}">{esc(doc.title)}</a></h2>\n'
            f'    <p class="small text-body-secondary mb-0">{day} &middot; {esc(doc.period_label)}</p>\n'
            "  </li>\n  "
        )
    return mark_safe("".join(html))  # noqa: S308 - every value is escaped
