"""The newswire's test fixtures: the wire's stand-in servers, each channel configured for them, and releases
the editor could produce (a table, a list, a link, non-ASCII text, an image, a PDF) taken to approval."""

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from irportal.accounts.roles import IR_ADMIN
from releases.checks import CODES as EVERY_WARNING
from releases.console import ReleaseKind
from releases.workflow import release_approve, release_submit
from tests.factories import MediaContactFactory, UserFactory, make_release
from tests.reports.builders import good_pdf
from tests.wire.servers import CertificateAuthority, HttpsWire, MailDesk, SftpDropServer
from wire.models import Policy, Transmission, WireSettings

BODY = (
    "<p>Halvorsen Instruments, Inc. (Nasdaq: HLVI) today reported record results for its third quarter. "
    "Ingrid Halvorsen, Präsidentin of the Zürich subsidiary, said: “A quarter of firsts — our best yet.”</p>"
    "<ul><li>Revenue of $84.2 million, up 12%</li><li>Gross margin of 58.1% <span>(GAAP)</span></li></ul>"
    "<ol><li>First</li><li>Second</li></ol>"
    '<p>The full results are on <a href="https://investors.example.com/q3" title="Results">our website</a> '
    'and in the <a href="https://www.sec.gov/Archives/edgar/data/1234567/000123456726000042/q3.htm">10-Q</a>; '
    'questions to <a href="mailto:ir@halvorsen.example">ir@halvorsen.example</a>.</p>'
    '<table><thead><tr><th scope="col">Quarter</th><th>Revenue (€ m)</th></tr></thead>'
    '<tbody><tr><td>Q3 2026</td><td>84.2</td></tr><tr><td colspan="2">Ex-FX: 3.1 % ±0.2</td></tr></tbody></table>'
    "<h3>Outlook</h3><blockquote>Naïve forecasts aside, we expect growth \u2013 again.</blockquote>"
)


def png_bytes(size=(40, 30), mode="RGBA") -> bytes:
    buffer = io.BytesIO()
    Image.new(mode, size, (200, 30, 30, 255) if mode == "RGBA" else (200, 30, 30)).save(buffer, format="PNG")
    return buffer.getvalue()


def add_files(release, author):
    """A PNG image and a PDF document, added as the console's operations add them (through their forms'
    checks)."""
    operations = {operation.name: operation for operation in ReleaseKind.operations}
    uploads = [
        (
            "add_image",
            {"alt_text": "Revenue chart", "caption": "Revenue by quarter"},
            "image",
            "chart.png",
            "image/png",
        ),
        ("add_attachment", {"title": "Q3 2026 results"}, "file", "results.pdf", "application/pdf"),
    ]
    for name, fields, field, filename, content_type in uploads:
        operation = operations[name]
        data = png_bytes() if field == "image" else good_pdf()
        upload = SimpleUploadedFile(filename, data, content_type=content_type)
        form = operation.form_class(fields, {field: upload}, **operation.form_kwargs(release))
        assert form.is_valid(), form.errors
        operation.perform(actor=author, item=release, data=form.cleaned_data)


def approved(author, approver, *, publish_at=None, files=True, **fields):
    """A release with everything the editor produces, approved (with the embargo ``publish_at``)."""
    fields = {"headline": "Halvorsen Reports Record Third Quarter", "body": BODY} | fields
    release = make_release(author, **fields)
    release.contacts.add(MediaContactFactory(name="Ira Investor", title="Vice President, IR"))
    if files:
        add_files(release, author)
    release_submit(release_id=release.pk, actor=author)
    return release_approve(release_id=release.pk, actor=approver, acknowledged=EVERY_WARNING, publish_at=publish_at)


def embargo_in(**delta) -> dt.datetime:
    return timezone.now().replace(microsecond=0) + dt.timedelta(**delta)


@pytest.fixture
def admin(db):
    return UserFactory(roles=[IR_ADMIN], email="admin@halvorsen.example")


@pytest.fixture
def desk():
    server = MailDesk().start()
    yield server
    server.stop()


@pytest.fixture
def smtp_wire(settings, desk):
    settings.WIRE_CHANNEL = "smtp"
    settings.WIRE_SMTP_URL = desk.url
    settings.WIRE_SMTP_TO = "newsdesk@wire.example"
    settings.WIRE_SMTP_FROM = "IR Portal <ir@halvorsen.example>"
    return desk


@pytest.fixture
def drop(tmp_path):
    (tmp_path / "drop" / "incoming").mkdir(parents=True)
    server = SftpDropServer(tmp_path / "drop")
    yield server
    server.stop()


@pytest.fixture
def sftp_wire(settings, drop):
    settings.WIRE_CHANNEL = "sftp"
    settings.WIRE_SFTP_URL = drop.url
    settings.WIRE_SFTP_PASSWORD = drop.password
    settings.WIRE_SFTP_HOST_KEY = drop.host_key_line
    return drop


@pytest.fixture
def authority(tmp_path):
    directory = tmp_path / "tls"
    directory.mkdir()
    return CertificateAuthority(directory)


@pytest.fixture
def endpoint(authority):
    server = HttpsWire(authority)
    yield server
    server.stop()


@pytest.fixture
def https_wire(settings, endpoint, authority):
    settings.WIRE_CHANNEL = "https"
    settings.WIRE_HTTPS_URL = endpoint.url
    settings.WIRE_HTTPS_TOKEN = endpoint.token
    settings.WIRE_HTTPS_FORMAT = "json"
    settings.WIRE_CA_FILE = str(authority.ca_file)
    return endpoint


def policy(value: str, lead_minutes: int = 15) -> WireSettings:
    wire = WireSettings.load()
    wire.policy, wire.lead_minutes = value, lead_minutes
    wire.save()
    return wire


WITH, AFTER = Policy.WITH_THE_WIRE, Policy.AFTER_THE_WIRE


def only_transmission(release) -> Transmission:
    (transmission,) = Transmission.objects.filter(release=release)
    return transmission
