"""A release as Exhibit 99.1 to the Form 8-K, in HTML that EDGAR accepts, with its plain-text rendering.

The rules are the EDGAR Filer Manual's (Volume II, "Constructing attached documents": 5.1.1 file names,
5.2.1 ASCII documents, 5.2.2 HTML documents) and the SEC's HTML specification for EDGAR:

- HTML 3.2 with some HTML 4.0 attributes: only the tags of ``PERMITTED_TAGS``, each with only the
  attributes ``PERMITTED_ATTRIBUTES`` gives it;
- no active content (scripts, applets, objects, event handler attributes, ``javascript:`` addresses);
- no external references: an ``<img src>`` names a graphic file of the same submission, an ``<a href>``
  either another document of the submission or a filing in EDGAR's archive
  (``https://www.sec.gov/Archives/edgar/data/...``); no style sheets, no ``url()`` in a style;
- no table within a table;
- the ASCII character set (printable characters, tab, line feed, carriage return, form feed): any other
  character is written as a numeric character reference (``&#233;``), and a named entity is one of HTML 4;
- graphics are JPEG or GIF files attached as documents of their own, named by the file naming standard
  (at most 32 characters, lower-case letters and digits, starting with a letter, one separator, and the
  extension ``.htm``, ``.txt``, ``.jpg`` or ``.gif``);
- an ASCII document holds ASCII only, with lines of at most 80 characters (132 for tables).

``render`` writes the release from a revision's content within these rules (the editor's HTML is mapped
onto the permitted tags: ``thead``/``tbody`` and ``span`` unwrapped, a link to the web written out as
text with its address, a table within a table flattened to lines); ``check_html`` and ``check_text``
check the result against them, and ``exhibit_for`` refuses to keep an exhibit that fails a check.
"""

import hashlib
import html.entities
import io
import re
import textwrap
import unicodedata
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import translation
from lxml import etree
from lxml import html as lxml_html
from lxml.html import builder as E
from PIL import Image

from company import timefmt
from company.models import CompanyProfile
from releases.content import ReleaseDocument
from releases.models import ReleaseImage

HTML_NAME = "ex991.htm"
TEXT_NAME = "ex991.txt"
DOCTYPE = '<!DOCTYPE html PUBLIC "-//W3C//DTD HTML 3.2 Final//EN">'

# The body tags EDGAR accepts in an HTML document (HTML 3.2), and the document's frame.
PERMITTED_TAGS = frozenset(
    {"html", "head", "title", "meta", "body"}
    | {"a", "address", "b", "big", "blockquote", "br", "caption", "center", "cite", "code", "dd", "dfn"}
    | {"dir", "div", "dl", "dt", "em", "font", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "kbd"}
    | {"li", "listing", "menu", "ol", "p", "plaintext", "pre", "samp", "small", "strike", "strong", "sub"}
    | {"sup", "table", "td", "th", "tr", "tt", "u", "ul", "var", "xmp"}
)
_TEXT_LEVEL = ("em", "strong", "dfn", "code", "samp", "kbd", "var", "cite", "sub", "sup", "tt", "i", "b", "small")
_WITH_DIR_LANG = (
    *("h1", "h2", "h3", "h4", "h5", "h6", "hr", "p", "img", "caption", "div", "table", "td", "th", "tr", "font"),
    *("center", "ol", "li", "ul", "a", "big", "pre", "dir", "address", "menu", "blockquote", "u", "strike"),
    *_TEXT_LEVEL,
)
_ATTRIBUTES_BY_NAME = {
    "align": ("h1", "h2", "h3", "h4", "h5", "h6", "hr", "img", "p", "caption", "div", "table", "td", "th", "tr"),
    "alink": ("body",),
    "alt": ("img",),
    "bgcolor": ("body", "table", "tr", "th", "td"),
    "border": ("table", "img"),
    "cellpadding": ("table",),
    "cellspacing": ("table",),
    "clear": ("br",),
    "color": ("font",),
    "colspan": ("td", "th"),
    "compact": ("dir", "dl", "menu", "ol", "ul"),
    "content": ("meta",),
    "dir": _WITH_DIR_LANG,
    "lang": _WITH_DIR_LANG,
    "height": ("td", "th", "img"),
    "href": ("a",),
    "link": ("body",),
    "name": ("meta", "a", "img"),
    "noshade": ("hr",),
    "nowrap": ("td", "th"),
    "rel": ("a",),
    "rev": ("a",),
    "rowspan": ("td", "th"),
    "size": ("hr", "font"),
    "src": ("img",),
    "start": ("ol",),
    "text": ("body",),
    "type": ("li", "ol", "ul"),
    "valign": ("td", "th", "tr"),
    "vlink": ("body",),
    "width": ("hr", "pre", "table", "td", "th", "img"),
}
# Allowed on every permitted tag.
_EVERYWHERE = frozenset({"class", "id", "style", "title"})
PERMITTED_ATTRIBUTES = {
    tag: _EVERYWHERE | {name for name, tags in _ATTRIBUTES_BY_NAME.items() if tag in tags} for tag in PERMITTED_TAGS
}
# The one place an HTML document may link outside its submission: filings in EDGAR's archive.
EDGAR_ARCHIVE = re.compile(r"^https?://www\.sec\.gov/Archives/edgar/data/", re.IGNORECASE)
GRAPHIC_TYPES = {".jpg": b"\xff\xd8\xff", ".gif": b"GIF8"}
FILE_NAME = re.compile(r"^[a-z][a-z0-9]*(?:[-_.][a-z0-9]+)?\.(?:htm|txt|jpg|gif)$")
FILE_NAME_MAX = 32
# EDGAR's character set (Filer Manual table 5-1): printable ASCII, tab, line feed, carriage return, form feed.
ASCII_TEXT = re.compile(rb"^[\x20-\x7e\t\n\r\f]*$")
ENTITY = re.compile(rb"&(#[0-9]+|#[xX][0-9a-fA-F]+|[A-Za-z][A-Za-z0-9]*);")
TEXT_LINE_MAX, TABLE_LINE_MAX = 80, 132
ACTIVE_SCHEMES = re.compile(r"^\s*(javascript|vbscript|data|livescript|mocha)\s*:", re.IGNORECASE)
SCHEME_OR_HOST = re.compile(r"^\s*([a-z][a-z0-9+.-]*:|//)", re.IGNORECASE)
STYLE_REFERENCE = re.compile(r"url\s*\(|@import|expression\s*\(|behavior\s*:", re.IGNORECASE)


@dataclass(frozen=True)
class Finding:
    """One rule an exhibit breaks: ``code`` names the rule, ``message`` says where."""

    code: str
    message: str


class ExhibitRefused(Exception):
    """The exhibit made from a revision breaks EDGAR's rules: it is not kept, and nothing is sent."""

    def __init__(self, findings: list[Finding]):
        super().__init__("The Exhibit 99.1 breaks EDGAR's rules: " + "; ".join(f.message for f in findings))
        self.findings = findings


# -- checks ---------------------------------------------------------------------------------------------


def check_file_name(name: str) -> list[Finding]:
    if len(name) > FILE_NAME_MAX or not FILE_NAME.match(name):
        return [Finding("file_name", f"{name!r} is not a file name EDGAR accepts")]
    return []


def check_html(document: bytes, files: dict[str, bytes], *, name: str = HTML_NAME) -> list[Finding]:
    """Every rule ``document`` breaks, with ``files`` the other documents of the submission by name."""
    findings = check_file_name(name)
    if not ASCII_TEXT.match(document):
        findings.append(Finding("charset", "the document holds characters outside EDGAR's ASCII set"))
    for match in ENTITY.finditer(document):
        entity = match.group(1).decode("ascii")
        if not entity.startswith("#") and entity not in html.entities.name2codepoint:
            findings.append(Finding("entity", f"&{entity}; is not an HTML 4 character entity"))
    try:
        tree = lxml_html.document_fromstring(document)
    except (etree.ParserError, ValueError) as error:
        return [*findings, Finding("malformed", f"the document cannot be read as HTML: {error}")]
    for element in tree.iter():
        if not isinstance(element.tag, str):
            continue  # comments and processing instructions carry no content EDGAR shows
        findings += _check_element(element, files)
    return findings


def _check_element(element, files: dict[str, bytes]) -> list[Finding]:
    tag = element.tag.lower()
    if tag not in PERMITTED_TAGS:
        code = "active_content" if tag in {"script", "applet", "object", "embed", "iframe", "frame"} else "tag"
        return [Finding(code, f"<{tag}> is not permitted")]
    findings = []
    for attribute, value in element.attrib.items():
        attribute = attribute.lower()
        if attribute.startswith("on"):
            findings.append(Finding("active_content", f"<{tag} {attribute}> is an event handler"))
        elif attribute not in PERMITTED_ATTRIBUTES[tag]:
            findings.append(Finding("attribute", f"<{tag}> may not have {attribute}"))
        elif attribute == "style" and STYLE_REFERENCE.search(value):
            findings.append(Finding("external_reference", f"<{tag} style> refers to another resource"))
        elif attribute in {"href", "src"}:
            findings += _check_reference(tag, attribute, value, files)
    if tag == "table" and any(ancestor.tag == "table" for ancestor in element.iterancestors()):
        findings.append(Finding("nested_table", "a <table> stands within another <table>"))
    return findings


def _check_reference(tag: str, attribute: str, value: str, files: dict[str, bytes]) -> list[Finding]:
    if ACTIVE_SCHEMES.match(value):
        return [Finding("active_content", f"<{tag} {attribute}> runs code: {value[:40]!r}")]
    if SCHEME_OR_HOST.match(value):
        if tag == "a" and EDGAR_ARCHIVE.match(value):
            return []
        return [Finding("external_reference", f"<{tag} {attribute}> refers outside the submission: {value[:80]!r}")]
    target = value.split("#", 1)[0]
    if tag == "a" and not target:
        return []  # a link within the document
    if target not in files:
        return [Finding("unresolved", f"<{tag} {attribute}> names {target!r}, which is not in the submission")]
    if tag == "img":
        magic = GRAPHIC_TYPES.get(target[-4:].lower())
        if magic is None:
            return [Finding("image_type", f"{target!r} is not a JPEG or GIF file name")]
        if not files[target].startswith(magic):
            return [Finding("image_type", f"{target!r} does not hold the image its name says")]
    return []


def check_text(text: bytes, *, name: str = TEXT_NAME) -> list[Finding]:
    """The plain-text rendering: ASCII only, and no line longer than a table's 132 characters."""
    findings = check_file_name(name)
    if not ASCII_TEXT.match(text):
        findings.append(Finding("charset", "the text holds characters outside EDGAR's ASCII set"))
    for number, line in enumerate(text.split(b"\n"), 1):
        if len(line) > TABLE_LINE_MAX:
            findings.append(Finding("line_length", f"line {number} is {len(line)} characters long"))
    return findings


def check(html_document: bytes, text: bytes, images: dict[str, bytes]) -> list[Finding]:
    """Every rule the exhibit's documents break: the HTML, the text and each graphic's name."""
    findings = check_html(html_document, images) + check_text(text)
    for image_name in images:
        findings += check_file_name(image_name)
    return findings


# -- rendering ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Graphic:
    name: str
    alt: str
    caption: str
    data: bytes


def image_name(number: int) -> str:
    return f"ex991g{number}.jpg"


def files_of(model, release, snapshots) -> list[tuple[int, dict, object]]:
    """(number, snapshot, stored row) of each file a revision lists (images, documents), in its order."""
    stored = {row.token: row for row in model.objects.filter(release=release)}
    listed = enumerate(snapshots or [], 1)
    return [(number, snapshot, stored[snapshot["token"]]) for number, snapshot in listed if snapshot["token"] in stored]


def graphics_of(release, content: dict) -> list[Graphic]:
    """The revision's images as JPEG files (EDGAR takes JPEG and GIF), flattened onto white, named in order."""
    graphics = []
    for number, snapshot, image in files_of(ReleaseImage, release, content.get("images")):
        with image.large.open("rb") as source, Image.open(source) as picture:
            picture.load()
            rgb = picture.convert("RGBA") if picture.mode in {"RGBA", "LA", "P"} else picture.convert("RGB")
        if rgb.mode == "RGBA":
            flat = Image.new("RGB", rgb.size, "white")
            flat.paste(rgb, mask=rgb.split()[3])
            rgb = flat
        buffer = io.BytesIO()
        rgb.save(buffer, format="JPEG", quality=90, optimize=False)
        graphics.append(
            Graphic(image_name(number), snapshot.get("alt", ""), snapshot.get("caption", ""), buffer.getvalue())
        )
    return graphics


def render(
    content: dict, graphics: list[Graphic], *, exhibit: bool = True, instructions: tuple[str, ...] = ()
) -> tuple[bytes, bytes]:
    """The release in ``content`` as EDGAR HTML and its plain text; ``exhibit`` adds the "Exhibit 99.1" label.
    The newswire's copy is the same document without it, opened by the wire's ``instructions`` (the hold
    for release, a correction's notice). Dates are written in the company's date style whoever renders it (a
    request, a worker) and in the primary language whatever the console's (the contacts' headings), so a
    revision always makes the same bytes."""
    with timefmt.override(CompanyProfile.load().date_style), translation.override(settings.LANGUAGE_CODE):
        return _render(content, graphics, exhibit=exhibit, instructions=instructions)


def _render(content: dict, graphics: list[Graphic], *, exhibit: bool, instructions: tuple[str, ...]):
    doc = ReleaseDocument(content)
    body = E.BODY()
    for line in instructions:
        body.append(E.P(E.B(line)))
    if exhibit:
        body.append(E.P(E.B("Exhibit 99.1"), align="right"))
    body.append(E.P(E.B(content["headline"]), align="center"))
    if content.get("subheadline"):
        body.append(E.P(E.I(content["subheadline"]), align="center"))
    if content.get("highlights"):
        body.append(E.UL(*[E.LI(line) for line in content["highlights"]]))
    paragraphs = _editor_html(content["body"])
    # The wire dateline opens the first paragraph, as the wire prints it.
    dateline = E.B(doc.wire_dateline)
    if paragraphs and paragraphs[0].tag == "p":
        dateline.tail = " " + (paragraphs[0].text or "")
        paragraphs[0].text = None
        paragraphs[0].insert(0, dateline)
    else:
        paragraphs.insert(0, E.P(dateline))
    for element in paragraphs:
        body.append(element)
    for graphic in graphics:
        body.append(E.P(E.IMG(src=graphic.name, alt=graphic.alt), align="center"))
        if graphic.caption:
            body.append(E.P(E.I(graphic.caption), align="center"))
    for key in ("about", "safe_harbor"):
        standing = content.get(key)
        if standing:
            body.append(E.P(E.B(standing["title"])))
            for element in _editor_html(standing["text"]):
                body.append(element)
    groups = doc.contact_groups
    if groups:
        body.append(E.P(E.B("Contacts")))
        for label, members in groups:
            body.append(E.P(E.B(label)))
            for contact in members:
                body.append(_contact(contact))
    title = "Exhibit 99.1" if exhibit else content["headline"]
    document = E.HTML(E.HEAD(E.TITLE(title)), body)
    markup = lxml_html.tostring(document, encoding="us-ascii", method="html", doctype=DOCTYPE, pretty_print=True)
    return markup, plain_text(document).encode("ascii")


def _contact(contact: dict):
    lines = [", ".join(part for part in (contact["name"], contact.get("title"), contact.get("organization")) if part)]
    lines += [contact[key] for key in ("phone", "email") if contact.get(key)]
    paragraph = E.P(lines[0])
    for line in lines[1:]:
        br = E.BR()
        br.tail = line
        paragraph.append(br)
    return paragraph


def _editor_html(markup: str) -> list:
    """The editor's (sanitised) HTML mapped onto EDGAR's tags, as a list of block elements."""
    holder = lxml_html.fragment_fromstring(markup or "", create_parent="div")
    for element in list(holder.iter()):
        if element is holder or not isinstance(element.tag, str):
            continue
        if not any(ancestor is holder for ancestor in element.iterancestors()):
            continue  # went with an ancestor (a table flattened, a column group dropped)
        _edgarize(element)
    blocks = []
    if holder.text and holder.text.strip():
        blocks.append(E.P(holder.text.strip()))
    for child in holder:
        tail, child.tail = child.tail, None
        blocks.append(child)
        if tail and tail.strip():
            blocks.append(E.P(tail.strip()))
    return blocks


_UNWRAPPED = {"thead", "tbody", "tfoot", "span"}
_DROPPED = {"colgroup", "col"}
_KEPT_ATTRIBUTES = {"td": {"colspan", "rowspan"}, "th": {"colspan", "rowspan"}}


def _edgarize(element) -> None:
    tag = element.tag
    if tag in _DROPPED:
        element.drop_tree()
        return
    if tag == "table" and any(ancestor.tag == "table" for ancestor in element.iterancestors()):
        _flatten_table(element)
        return
    kept = _KEPT_ATTRIBUTES.get(tag, set())
    href = element.get("href", "")
    for attribute in list(element.attrib):
        if attribute not in kept:
            del element.attrib[attribute]
    if tag == "a":
        _write_link(element, href)
    elif tag in _UNWRAPPED or tag not in PERMITTED_TAGS:
        element.drop_tag()


def _write_link(element, href: str) -> None:
    """A link to EDGAR's archive stays a link; any other is its text, followed by its address."""
    if EDGAR_ARCHIVE.match(href):
        element.set("href", href)
        return
    address = href[len("mailto:") :] if href.lower().startswith("mailto:") else href
    text = element.text_content().strip()
    if address and address != text:
        element.tail = f" ({address})" + (element.tail or "")
    element.drop_tag()


def _flatten_table(table) -> None:
    """A table within a table cell (EDGAR takes none): its rows as lines of the cell, cells two spaces apart."""
    rows = ["  ".join(cell.text_content().strip() for cell in row.iter("td", "th")) for row in table.iter("tr")]
    lines = E.DIV(rows[0] if rows else "")
    for row in rows[1:]:
        line_break = E.BR()
        line_break.tail = row
        lines.append(line_break)
    lines.tail = table.tail
    table.getparent().replace(table, lines)
    lines.drop_tag()


# -- plain text -----------------------------------------------------------------------------------------

# Typographic characters as an ASCII document writes them (EDGAR refuses smart quotes and dashes).
ASCII_FOR = {
    "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201c": '"', "\u201d": '"', "\u201e": '"',
    "\u2013": "-", "\u2014": "--", "\u2212": "-", "\u2026": "...", "\u00a0": " ", "\u2022": "*",
    "\u00ae": "(R)", "\u00a9": "(C)", "\u2122": "(TM)", "\u20ac": "EUR", "\u00a3": "GBP", "\u00a5": "JPY",
    "\u00b0": " degrees", "\u00bd": "1/2", "\u00bc": "1/4", "\u00be": "3/4", "\u00d7": "x", "\u00df": "ss",
    "\u00e6": "ae", "\u00c6": "AE", "\u0153": "oe", "\u0152": "OE", "\u00f8": "o", "\u00d8": "O", "\u0142": "l",
    "\u0141": "L", "\u0111": "d", "\u0110": "D", "\u00fe": "th", "\u00de": "Th", "\u00f0": "d", "\u00d0": "D",
}  # fmt: skip


def ascii_text(text: str) -> str:
    """``text`` in ASCII: typographic characters as an ASCII document writes them, accents dropped, and
    any other character as ``?``."""
    mapped = "".join(ASCII_FOR.get(character, character) for character in text)
    decomposed = unicodedata.normalize("NFKD", mapped)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).encode("ascii", "replace").decode("ascii")


def plain_text(document) -> str:
    """The EDGAR HTML document written as an ASCII document: paragraphs wrapped at 80 characters, lists
    indented, tables in columns within 132 characters, images by their description."""
    blocks: list[str] = []
    for element in document.find("body"):
        blocks += _text_blocks(element)
    return "\n\n".join(block for block in blocks if block.strip()) + "\n"


def _inline(element) -> str:
    """An element's text on one line (a line break kept as a newline), links written with their address."""
    parts = [element.text or ""]
    for child in element:
        if child.tag == "br":
            parts.append("\n")
        elif child.tag == "img":
            parts.append(f"[Image: {child.get('alt') or 'image'}]")
        elif child.tag == "a" and child.get("href"):
            parts.append(f"{_inline(child)} ({child.get('href')})")
        else:
            parts.append(_inline(child))
        parts.append(child.tail or "")
    return ascii_text("".join(parts))


def _wrap(text: str, *, indent: str = "", first: str = "") -> str:
    lines = []
    for number, line in enumerate(text.split("\n")):
        words = " ".join(line.split())
        lines.append(
            textwrap.fill(
                words,
                TEXT_LINE_MAX,
                initial_indent=first if number == 0 else indent,
                subsequent_indent=indent,
                break_on_hyphens=False,  # an address (or a word) stays whole: only a line's spaces break it
            )
            or (first if number == 0 else "").rstrip()
        )
    return "\n".join(lines)


def _text_blocks(element) -> list[str]:
    tag = element.tag
    if tag in {"ul", "ol", "dir", "menu"}:
        items = [item for item in element if item.tag == "li"]
        return [
            "\n".join(
                _wrap(_inline(item), indent="     ", first=f"  {number}. " if tag == "ol" else "  *  ")
                for number, item in enumerate(items, 1)
            )
        ]
    if tag == "table":
        return [_text_table(element)]
    if tag == "blockquote":
        return [_wrap(_inline(element), indent="    ", first="    ")]
    if tag in {"h1", "h2", "h3", "h4", "h5", "h6"}:
        return [_wrap(_inline(element).upper())]
    return [_wrap(_inline(element))]


def _text_table(table) -> str:
    rows = [[" ".join(_inline(cell).split()) for cell in row if cell.tag in {"td", "th"}] for row in table.iter("tr")]
    rows = [row for row in rows if row]
    if not rows:
        return ""
    columns = max(len(row) for row in rows)
    rows = [row + [""] * (columns - len(row)) for row in rows]
    gap = 2
    cap = max(8, (TABLE_LINE_MAX - gap * (columns - 1)) // columns)
    widths = [min(cap, max(len(row[index]) for row in rows)) or 1 for index in range(columns)]
    lines = []
    for row in rows:
        wrapped = [textwrap.wrap(cell, width) or [""] for cell, width in zip(row, widths, strict=True)]
        for line in range(max(len(cell) for cell in wrapped)):
            parts = [
                (cell[line] if line < len(cell) else "").ljust(width)
                for cell, width in zip(wrapped, widths, strict=True)
            ]
            lines.append((" " * gap).join(parts).rstrip())
    return "\n".join(lines)


# -- keeping it ----------------------------------------------------------------------------------------


def exhibit_for(release, revision):
    """The Exhibit 99.1 of ``revision``: made, checked and kept the first time, then always those bytes.

    Raises ``ExhibitRefused`` with the findings when what the revision makes breaks a rule.
    """
    from wire.models import Exhibit, ExhibitImage

    found = Exhibit.objects.filter(release=release, revision_number=revision.number).first()
    if found is not None:
        return found
    graphics = graphics_of(release, revision.content)
    markup, text = render(revision.content, graphics)
    findings = check(markup, text, {graphic.name: graphic.data for graphic in graphics})
    if findings:
        raise ExhibitRefused(findings)
    try:
        with transaction.atomic():
            exhibit = Exhibit.objects.create(
                release=release,
                revision_number=revision.number,
                content_hash=revision.content_hash,
                html=markup,
                text=text,
                sha256=hashlib.sha256(markup).hexdigest(),
                text_sha256=hashlib.sha256(text).hexdigest(),
            )
            ExhibitImage.objects.bulk_create(
                [
                    ExhibitImage(exhibit=exhibit, name=g.name, data=g.data, sha256=hashlib.sha256(g.data).hexdigest())
                    for g in graphics
                ]
            )
    except IntegrityError:  # made at the same moment by another request: theirs is the one kept
        return Exhibit.objects.get(release=release, revision_number=revision.number)
    return exhibit
