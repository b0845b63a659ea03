"""The governance documents page's lists written in Python: each document's line in one pass for a category."""

from html import escape as esc

from django import template
from django.utils.safestring import mark_safe

from company.numfmt import file_size_writer
from company.timefmt import date_writer

register = template.Library()


@register.simple_tag
def document_items(documents) -> str:
    """A ``<li>`` per document: its title and link, its date, and its main PDF with the file's size.

    Each value is a plain string (the content's title, addresses, the date and size as written), escaped as
    Django's ``escape`` escapes one (``html.escape``) without ``conditional_escape``'s checks for lazy and safe
    strings on each of the five values of each document. The date and the size are written as ``date_text`` and
    ``filesizeformat`` write them, the language, date style and size units asked once for the list."""
    date, size = date_writer(), file_size_writer()
    return mark_safe("".join(_item(doc, date, size) for doc in documents))  # noqa: S308 - every value is escaped


def _item(doc, date, size) -> str:
    html = (
        f'<li class="mb-2"><a href="{esc(doc.url)}">{esc(doc.title)}</a> '
        f'<span class="text-body-secondary">{esc(date(doc.date))}</span>'
    )
    if main := doc.main:
        html += (
            f' &middot; <a href="{esc(main.url)}" download>PDF</a> '
            f'<span class="text-body-secondary">({esc(size(main.size))})</span>'
        )
    return html + "</li>"
