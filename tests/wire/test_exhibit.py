"""Exhibit 99.1: EDGAR HTML made from the approved revision, checked where it is made, kept byte for byte."""

import hashlib
import io
import re
import zipfile

import pytest
import time_machine
from django.utils import translation

from irportal.audit.models import AuditEntry
from irportal.workflow.sweep import run_sweep
from releases.services import release_update
from tests.factories import UserFactory, fresh_step_up, make_release, sign_in
from tests.wire.conftest import approved, embargo_in, only_transmission
from wire import exhibit
from wire.models import Exhibit

pytestmark = pytest.mark.django_db

JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 16
GIF = b"GIF89a" + b"\x00" * 16


def document(body: str) -> bytes:
    return f"<html><head><title>Exhibit 99.1</title></head><body>{body}</body></html>".encode("ascii")


def test_an_exhibit_with_a_table_lists_an_image_a_link_and_non_ascii_text_passes(company, author, approver):
    release = approved(author, approver, publish_at=embargo_in(days=1))
    made = exhibit.exhibit_for(release, release.approved_revision)
    html, text = bytes(made.html), bytes(made.text)
    images = {image.name: bytes(image.data) for image in made.images.all()}
    assert exhibit.check(html, text, images) == []
    assert html.isascii() and text.isascii()
    assert b"<table>" in html and b"<ul>" in html and b"<ol>" in html and b"<blockquote>" in html
    assert b'<img src="ex991g1.jpg" alt="Revenue chart">' in html and images["ex991g1.jpg"].startswith(b"\xff\xd8")
    assert b"Z&#252;rich" in html and b"&#8220;A quarter of firsts &#8212; our best yet.&#8221;" in html
    assert b"(&#8364; m)" in html and b"&#177;0.2" in html
    # A link to the web is written out (EDGAR takes no external reference); one to EDGAR's archive stays a link.
    assert b"our website (https://investors.example.com/q3)" in html and b'investors.example.com/q3"' not in html
    assert b'<a href="https://www.sec.gov/Archives/edgar/data/1234567/000123456726000042/q3.htm">10-Q</a>' in html
    assert b"<thead>" not in html and b"<span>" not in html and b"scope=" not in html
    assert b"PHOENIX, Ariz., Nov. 30, 2026 (BUSINESS WIRE) --</b> Halvorsen Instruments" in html
    words = b" ".join(text.split())  # the text is wrapped at 80 characters
    assert b"Zurich" in words and b'"A quarter of firsts -- our best yet."' in words and b"(EUR m)" in words
    assert max(len(line) for line in text.splitlines()) <= 80
    assert b"[Image: Revenue chart]" in text and re.search(rb"\nQ3 2026 +84\.2\n", text)  # the table in columns


def test_the_exhibit_is_written_in_the_primary_language_whatever_the_consoles(company, author, approver):
    release = approved(author, approver, publish_at=embargo_in(days=1), files=False)
    contacts = [contact.snapshot() for contact in release.contacts.all()]
    content = release.approved_revision.content | {"contacts": contacts}
    english = exhibit.render(content, [])
    with translation.override("fr"):
        assert exhibit.render(content, []) == english
    assert b"Nov. 30, 2026 (BUSINESS WIRE) --" in english[0] and b"<b>For Investors:</b>" in english[0]


def test_the_text_wraps_at_spaces_only_so_an_address_stays_whole(company, author, approver):
    address = "https://www.halvorsen-tx.example/investors/events/rocky-mountain-forum/"
    body = f'<p>The webcast of the Rocky Mountain Biotech Forum is at <a href="{address}">our site</a>.</p>'
    release = approved(author, approver, publish_at=embargo_in(days=1), body=body, files=False)
    text = bytes(exhibit.exhibit_for(release, release.approved_revision).text).decode("ascii")
    assert f"({address})." in text.split()
    assert max(len(line) for line in text.splitlines()) <= 80


def test_a_table_within_a_table_is_flattened_to_lines(company, author, approver):
    inner = "<table><tr><td>A</td><td>1</td></tr><tr><td>B</td><td>2</td></tr></table>"
    body = f"<p>Results.</p><table><tr><td>Segments{inner}</td></tr></table>"
    release = approved(author, approver, publish_at=embargo_in(days=1), body=body, files=False)
    made = exhibit.exhibit_for(release, release.approved_revision)
    assert exhibit.check_html(bytes(made.html), {}) == []
    assert bytes(made.html).count(b"<table>") == 1 and b"A  1<br>B  2" in bytes(made.html)


BROKEN = [
    ("tag", document("<form>Subscribe</form>"), {}),
    ("active_content", document("<script>alert(1)</script>"), {}),
    ("active_content", document('<p onclick="steal()">x</p>'), {}),
    ("active_content", document('<a href="javascript:steal()">x</a>'), {}),
    ("active_content", document('<object data="x.swf"></object>'), {}),
    ("attribute", document('<p data-x="1">x</p>'), {}),
    ("attribute", document('<img src="ex991g1.jpg" usemap="#m">'), {"ex991g1.jpg": JPEG}),
    ("external_reference", document('<img src="https://cdn.example.com/logo.jpg">'), {}),
    ("external_reference", document('<a href="https://www.example.com/">x</a>'), {}),
    ("external_reference", document('<a href="//www.example.com/">x</a>'), {}),
    ("external_reference", document("<p style=\"background: url('https://t.example/p.gif')\">x</p>"), {}),
    ("tag", document('<link rel="stylesheet" href="https://cdn.example.com/s.css">'), {}),
    ("tag", document("<style>p { color: red }</style>"), {}),
    ("nested_table", document("<table><tr><td><table><tr><td>x</td></tr></table></td></tr></table>"), {}),
    ("entity", document("<p>&notanentity; here</p>"), {}),
    ("unresolved", document('<img src="ex991g2.jpg">'), {}),
    ("image_type", document('<img src="chart.png">'), {"chart.png": b"\x89PNG"}),
    ("image_type", document('<img src="ex991g1.jpg">'), {"ex991g1.jpg": GIF}),
]


@pytest.mark.parametrize(
    ("code", "html", "files"), BROKEN, ids=[f"{code}-{n}" for n, (code, _, _) in enumerate(BROKEN)]
)
def test_the_validator_refuses_each_rule_it_checks(code, html, files):
    found = exhibit.check_html(html, files)
    assert [finding.code for finding in found] == [code], found


def test_the_validator_refuses_raw_non_ascii_bytes_and_bad_file_names():
    raw = "<html><body><p>Z\u00fcrich</p></body></html>".encode("utf-8")
    assert [f.code for f in exhibit.check_html(raw, {})] == ["charset"]
    assert [f.code for f in exhibit.check_html(document("<p>x</p>"), {}, name="Exhibit 99.1.htm")] == ["file_name"]
    for name in ("ex991.htm", "ex991g1.jpg", "ex99-1.txt"):
        assert exhibit.check_file_name(name) == []
    for name in ("EX991.htm", "9ex.htm", "ex99-1-g1.jpg", "ex991.png", "a" * 30 + ".htm"):
        assert [f.code for f in exhibit.check_file_name(name)] == ["file_name"], name


def test_the_text_rendering_is_refused_with_non_ascii_or_overlong_lines():
    assert exhibit.check_text(b"Plain text.\n") == []
    assert [f.code for f in exhibit.check_text("Z\u00fcrich".encode())] == ["charset"]
    assert [f.code for f in exhibit.check_text(b"x" * 133)] == ["line_length"]


def test_the_exhibit_is_byte_for_byte_the_approved_and_wired_revision(client, company, author, approver, smtp_wire):
    embargo = embargo_in(hours=2)
    release = approved(author, approver, publish_at=embargo)
    transmission = only_transmission(release)
    approval = AuditEntry.objects.get(action="release.approve")
    assert approval.data["wire"]["exhibit_sha256"] == transmission.exhibit.sha256
    sign_in(client, approver)
    first = client.get(f"/staff/wire/exhibit/{release.pk}/")
    assert first.status_code == 200 and first["Content-Type"] == "application/zip"
    files = zipfile.ZipFile(io.BytesIO(first.content))
    assert sorted(files.namelist()) == ["ex991.htm", "ex991.txt", "ex991g1.jpg"]
    assert hashlib.sha256(files.read("ex991.htm")).hexdigest() == transmission.exhibit.sha256
    # Before the embargo the download is an insider's read, and it is audited with the hash.
    assert AuditEntry.objects.filter(action="release.access", data__view="exhibit").count() == 1
    assert AuditEntry.objects.get(action="wire.exhibit_download").data["exhibit_sha256"] == transmission.exhibit.sha256
    assert transmission.exhibit.sha256 in client.get(release.get_staff_url()).content.decode()
    # Published, then corrected in a draft: the published revision's exhibit is the same bytes as before.
    with time_machine.travel(embargo, tick=False):
        from wire import services

        services.transmission_confirm(
            step_up=fresh_step_up(), actor=approver, transmission_id=transmission.pk, crossed_at=embargo
        )
        run_sweep()
        release.refresh_from_db()
        release_update(actor=author, pk=release.pk, base_version=release.version, headline="Corrected headline")
    again = client.get(f"/staff/wire/exhibit/{release.pk}/")
    assert again.status_code == 200 and again.content == first.content
    assert Exhibit.objects.filter(release=release).count() == 1


def test_only_an_approved_or_published_release_has_an_exhibit(client, company, author):
    draft = make_release(author)
    sign_in(client, author)
    assert client.get(f"/staff/wire/exhibit/{draft.pk}/").status_code == 404
    assert client.get("/staff/wire/exhibit/999999/").status_code == 404
    nobody = UserFactory()
    client.force_login(nobody)
    assert client.get(f"/staff/wire/exhibit/{draft.pk}/").status_code == 403


def test_the_release_page_shows_the_hash_of_the_exhibit_a_website_only_release_was_downloaded_as(
    client, company, author, approver, smtp_wire
):
    release = approved(author, approver, publish_at=embargo_in(hours=2), website_only=True, files=False)
    sign_in(client, approver)
    page = client.get(release.get_staff_url()).content.decode()
    assert 'data-testid="exhibit-download"' in page and 'data-testid="exhibit-download-sha256"' not in page
    download = client.get(f"/staff/wire/exhibit/{release.pk}/")
    sha256 = hashlib.sha256(zipfile.ZipFile(io.BytesIO(download.content)).read("ex991.htm")).hexdigest()
    assert download["X-Exhibit-SHA256"] == sha256
    page = client.get(release.get_staff_url()).content.decode()
    assert f'<code class="text-break" data-testid="exhibit-download-sha256">{sha256}</code>' in page


EVERY_TAG = (
    "<h2>Results</h2><h3>Quarter</h3><h4>Detail</h4>"
    "<p>Plain, <strong>strong</strong>, <b>bold</b>, <em>em</em>, <i>italic</i>, <u>underlined</u>, "
    "E = mc<sup>2</sup>, H<sub>2</sub>O, <span>a span</span>,<br>a new line, "
    '<a href="https://investors.example.com/" title="IR">the web</a>, <a href="http://example.com/">plain http</a>, '
    '<a href="mailto:ir@halvorsen.example">mail us</a>.</p>'
    "<ul><li>One</li><li>Two</li></ul><ol><li>First</li></ol><blockquote>Quoted Gr\u00fc\u00dfe.</blockquote>"
    '<table><caption>Revenue</caption><colgroup span="2"><col span="1"><col span="1"></colgroup>'
    '<thead><tr><th scope="col" colspan="1" rowspan="1">Segment</th><th>Q3</th></tr></thead>'
    '<tbody><tr><td rowspan="1" colspan="1">Tools</td><td>84.2</td></tr></tbody>'
    "<tfoot><tr><td>Total</td><td>84.2</td></tr></tfoot></table>"
)


def test_every_tag_and_attribute_the_editor_keeps_makes_an_exhibit_that_passes(company, author, approver):
    from lxml import html as lxml_html

    from releases.sanitize import ALLOWED_ATTRIBUTES, ALLOWED_TAGS, clean_html

    kept = lxml_html.fragment_fromstring(clean_html(EVERY_TAG), create_parent="div")
    used = [element for element in kept.iter() if element is not kept]
    assert {element.tag for element in used} == ALLOWED_TAGS  # the editor's whole allow-list, after its cleaning
    assert {(e.tag, name) for e in used for name in e.attrib} >= {
        (tag, name) for tag, names in ALLOWED_ATTRIBUTES.items() for name in names
    }
    release = approved(author, approver, publish_at=embargo_in(days=1), body=EVERY_TAG)
    made = exhibit.exhibit_for(release, release.approved_revision)
    html, text = bytes(made.html), bytes(made.text)
    assert exhibit.check(html, text, {image.name: bytes(image.data) for image in made.images.all()}) == []
    for shown in (b"<h2>Results</h2>", b"<sup>2</sup>", b"<caption>Revenue</caption>", b"Gr&#252;&#223;e"):
        assert shown in html
    assert b"the web (https://investors.example.com/)" in html and b"mail us (ir@halvorsen.example)" in html
    assert b"Total" in text and b"Grusse" in text


def test_the_validator_refuses_what_is_not_html():
    assert [finding.code for finding in exhibit.check_html(b"", {})] == ["malformed"]
