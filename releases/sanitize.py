"""Rich text is cleaned on save with nh3: an allow-list that keeps what a wire release uses."""

import re

import nh3
from django.utils.html import strip_tags

ALLOWED_TAGS = {
    "p", "br", "strong", "b", "em", "i", "u", "sup", "sub", "span",
    "ul", "ol", "li", "blockquote", "h2", "h3", "h4",
    "a",
    "table", "thead", "tbody", "tfoot", "tr", "th", "td", "caption", "colgroup", "col",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "th": {"colspan", "rowspan", "scope"},
    "td": {"colspan", "rowspan"},
    "col": {"span"},
    "colgroup": {"span"},
}
URL_SCHEMES = {"http", "https", "mailto"}


def _drop_data_attributes(tag: str, attribute: str, value: str) -> str | None:
    """No ``data-*`` attribute survives: front-end libraries (Bootstrap's ``data-bs-*``) read them as code."""
    return None if attribute.lower().startswith("data-") else value


def clean_html(html: str) -> str:
    return nh3.clean(
        html or "",
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        attribute_filter=_drop_data_attributes,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    ).strip()


# Tags that end a line or a block: each becomes a space, so words on either side stay apart.
BREAKS = re.compile(r"<(?:br|/?(?:p|div|li|ul|ol|table|tr|td|th|h[1-6]|blockquote))\b[^>]*>", re.IGNORECASE)


def plain_text(markup: str) -> str:
    """Sanitised HTML as one line of text: breaks become spaces, tags go, runs of white space become one.

    Entities stay as they are: readers take a description as HTML, so ``&lt;`` must reach them escaped.
    """
    return " ".join(strip_tags(BREAKS.sub(" ", markup)).split())
