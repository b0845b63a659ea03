"""What goes to the wire for a transmission: the instructions, the text and HTML, the files, JSON, NewsML-G2.

Made from the approved revision the transmission names, every time the same words (the exhibit's
renderer, without the exhibit's label), so what a retry sends is what the first try sent.
"""

import base64
import hashlib
import zoneinfo
from datetime import UTC, timedelta

from django.utils import timezone
from django.utils.text import slugify
from lxml import etree

from company.models import CompanyProfile
from company.timefmt import AP, clock, date_text
from releases.models import ReleaseAttachment
from wire.channels import Attachment, Submission
from wire.exhibit import files_of, graphics_of, render
from wire.models import Transmission, WireSettings

NEWSML = "http://iptc.org/std/nar/2006-10-01/"
XHTML = "http://www.w3.org/1999/xhtml"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
# A hold time this close to the moment the transmission was queued is no hold: "Publish now".
IMMEDIATE_WITHIN = timedelta(minutes=1)


def _zone():
    try:
        return zoneinfo.ZoneInfo(CompanyProfile.load().home_time_zone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return UTC


def is_immediate(transmission: Transmission) -> bool:
    return transmission.hold_until <= transmission.created_at + IMMEDIATE_WITHIN


def hold_instruction(transmission: Transmission) -> str:
    """``HOLD FOR RELEASE UNTIL 9:00 AM MST, DEC. 8, 2026 (16:00 UTC)``, or ``FOR IMMEDIATE RELEASE``."""
    if is_immediate(transmission):
        return "FOR IMMEDIATE RELEASE"
    local = transmission.hold_until.astimezone(_zone())
    utc = transmission.hold_until.astimezone(UTC)
    return (
        f"HOLD FOR RELEASE UNTIL {clock(local).upper()} {local.tzname()}, {date_text(local.date(), style=AP).upper()} "
        f"({utc:%H:%M} UTC)"
    )


def correction_notice(transmission: Transmission) -> str:
    if transmission.kind != Transmission.Kind.CORRECTION:
        return ""
    replaced = f" of {date_text(transmission.replaces_date, style=AP)}" if transmission.replaces_date else ""
    return f"CORRECTION -- replaces the release{replaced}"


def replacement_notice(transmission: Transmission) -> str:
    """A new hold time or revision for a submission the wire already has (not a correction of a public one)."""
    replaced = transmission.replaces
    if replaced is None or transmission.kind == Transmission.Kind.CORRECTION:
        return ""
    return f"REPLACES our submission {replaced.reference}: do not release that one"


def instructions(transmission: Transmission) -> tuple[str, ...]:
    lines = [hold_instruction(transmission), correction_notice(transmission), replacement_notice(transmission)]
    account = WireSettings.load().account
    if account:
        lines.append(f"Account: {account}")
    return tuple(line for line in lines if line)


def submission_for(transmission: Transmission) -> Submission:
    release = transmission.release
    revision = release.revisions.get(number=transmission.revision_number)
    content = revision.content
    graphics = graphics_of(release, content)
    lines = instructions(transmission)
    html, text = render(content, graphics, exhibit=False, instructions=lines)
    attachments = [Attachment(graphic.name, "image/jpeg", graphic.data) for graphic in graphics]
    attachments += _documents(release, content)
    prefix = "CORRECTION -- " if transmission.kind == Transmission.Kind.CORRECTION else ""
    subject = f"{prefix}{content['headline']} -- {lines[0]}"
    document = _document(transmission, content, text.decode("ascii"), html, attachments, lines)
    return Submission(
        reference=str(transmission.reference),
        subject=subject,
        text=text.decode("ascii"),
        html=html,
        attachments=tuple(attachments),
        document=document,
        newsml=newsml_item(transmission, content, html, lines),
    )


def _documents(release, content: dict) -> list[Attachment]:
    """The release's PDF documents, as the revision lists them."""
    found = []
    for number, snapshot, attachment in files_of(ReleaseAttachment, release, content.get("attachments")):
        with attachment.file.open("rb") as source:
            data = source.read()
        found.append(
            Attachment(f"{number}-{slugify(snapshot['title'])[:60] or 'document'}.pdf", "application/pdf", data)
        )
    return found


def _document(transmission, content, text, html, attachments, lines) -> dict:
    company = CompanyProfile.load()
    return {
        "reference": str(transmission.reference),
        "kind": transmission.kind,
        "company": {"name": company.legal_name, "exchange": company.exchange, "ticker": company.ticker},
        "account": WireSettings.load().account,
        "hold_until": transmission.hold_until.astimezone(UTC).isoformat().replace("+00:00", "Z"),
        "immediate": is_immediate(transmission),
        "instructions": list(lines),
        "correction": (
            {"replaces_date": transmission.replaces_date.isoformat() if transmission.replaces_date else None}
            if transmission.kind == Transmission.Kind.CORRECTION
            else None
        ),
        "replaces": str(transmission.replaces.reference) if transmission.replaces_id else None,
        "headline": content["headline"],
        "subheadline": content.get("subheadline") or "",
        "dateline": content["dateline"],
        "revision": transmission.revision_number,
        "content_hash": transmission.content_hash,
        "exhibit_sha256": transmission.exhibit.sha256,
        "text": text,
        "html": html.decode("ascii"),
        "attachments": [
            {
                "name": attachment.name,
                "content_type": attachment.content_type,
                "size": len(attachment.data),
                "sha256": hashlib.sha256(attachment.data).hexdigest(),
                "data": base64.b64encode(attachment.data).decode("ascii"),
            }
            for attachment in attachments
        ],
    }


def _iso(moment) -> str:
    return moment.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def newsml_item(transmission: Transmission, content: dict, html: bytes, lines: tuple[str, ...]) -> bytes:
    """The release as a NewsML-G2 News Item (IPTC, 2.35, power conformance): the embargo in ``embargoed``,
    the wire's instructions in ``edNote``, a correction signalled, the release as XHTML in ``inlineXML``."""
    g2 = etree.ElementTree(etree.Element(f"{{{NEWSML}}}newsItem", nsmap={None: NEWSML}))
    item = g2.getroot()
    item.set("guid", f"urn:uuid:{transmission.reference}")
    item.set("version", "1")
    item.set("standard", "NewsML-G2")
    item.set("standardversion", "2.35")
    item.set("conformance", "power")
    item.set(XML_LANG, "en")

    def sub(parent, name, text=None, **attributes):
        element = etree.SubElement(parent, f"{{{NEWSML}}}{name}", {k: v for k, v in attributes.items() if v})
        if text is not None:
            element.text = text
        return element

    sub(item, "catalogRef", href="http://www.iptc.org/std/catalog/catalog.IPTC-G2-Standards_38.xml")
    meta = sub(item, "itemMeta")
    sub(meta, "itemClass", qcode="ninat:text")
    sub(meta, "provider", literal=CompanyProfile.load().legal_name)
    sub(meta, "versionCreated", _iso(timezone.now()))
    if not is_immediate(transmission):
        sub(meta, "embargoed", _iso(transmission.hold_until))
    sub(meta, "pubStatus", qcode="stat:usable")
    for line in lines:
        sub(meta, "edNote", line)
    if transmission.kind == Transmission.Kind.CORRECTION:
        sub(meta, "signal", qcode="sig:correction")
    described = sub(item, "contentMeta")
    sub(described, "urgency", "4")
    sub(described, "contentCreated", _iso(transmission.created_at))
    sub(described, "language", tag="en")
    sub(described, "slugline", content.get("slug", ""))
    sub(described, "headline", content["headline"])
    if content.get("subheadline"):
        sub(described, "description", content["subheadline"], role="drol:summary")
    inline = sub(sub(item, "contentSet"), "inlineXML", contenttype="application/xhtml+xml")
    inline.append(_xhtml(html))
    return etree.tostring(g2, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def _xhtml(html: bytes):
    """The HTML document as XHTML: the same elements in the XHTML namespace, well-formed."""
    from lxml import html as lxml_html

    source = lxml_html.document_fromstring(html)

    def copy(element):
        target = etree.Element(f"{{{XHTML}}}{element.tag}", dict(element.attrib), nsmap={None: XHTML})
        target.text = element.text
        for child in element:
            if isinstance(child.tag, str):
                copied = copy(child)
                copied.tail = child.tail
                target.append(copied)
        return target

    return copy(source)
