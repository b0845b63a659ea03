"""Each channel, the production client, against a real server of its protocol on this machine: what the wire
receives, and how a refusal (for good) and an outage (for now) are told apart."""

import base64
import contextlib
import hashlib
import json
from pathlib import Path

import pytest
from lxml import etree

from irportal.audit.models import AuditEntry
from tests.wire.conftest import approved, embargo_in, only_transmission
from wire import services
from wire.models import Transmission

pytestmark = pytest.mark.django_db

Status = Transmission.Status
SCHEMAS = Path(__file__).parent / "schemas"


def sent(author, approver, **fields) -> Transmission:
    """A release approved for an embargo tomorrow, its transmission run once as the outbox runs it."""
    release = approved(author, approver, publish_at=embargo_in(days=1), **fields)
    transmission = only_transmission(release)
    with contextlib.suppress(Exception):  # a transient failure raises for the outbox; the row says what happened
        services.transmission_send(transmission.pk)
    transmission.refresh_from_db()
    return transmission


def test_the_mail_desk_gets_text_html_files_and_the_hold_instruction(company, author, approver, smtp_wire):
    transmission = sent(author, approver)
    assert transmission.status == Status.SENT and transmission.attempts == 1
    (message,) = smtp_wire.messages
    assert message["Message-ID"] == f"<{transmission.reference}@irportal.wire>"
    assert message["To"] == "newsdesk@wire.example"
    assert message["Subject"].startswith("Halvorsen Reports Record Third Quarter -- HOLD FOR RELEASE UNTIL ")
    local = transmission.hold_until.astimezone(__import__("zoneinfo").ZoneInfo("America/Phoenix"))
    assert f"MST, {local:%b}".upper() in message["Subject"].upper()
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    assert text.startswith("HOLD FOR RELEASE UNTIL ")
    assert "PHOENIX, Ariz., Nov. 30, 2026 (BUSINESS WIRE) -- Halvorsen Instruments" in text
    assert "Zurich" in text and "&#252;" in html  # ASCII on the wire: transliterated, or a character reference
    files = {part.get_filename(): part.get_content() for part in message.iter_attachments()}
    assert set(files) == {"ex991g1.jpg", "1-q3-2026-results.pdf"}
    assert files["ex991g1.jpg"].startswith(b"\xff\xd8\xff") and files["1-q3-2026-results.pdf"].startswith(b"%PDF-")
    entry = AuditEntry.objects.get(action="wire.sent")
    assert entry.data["exhibit_sha256"] == transmission.exhibit.sha256 and entry.data["answer"].startswith("250")
    assert entry.data["payload_sha256"] == transmission.payload_sha256


def test_the_sftp_drop_gets_a_complete_file_set_once(company, author, approver, sftp_wire):
    transmission = sent(author, approver)
    assert transmission.status == Status.SENT
    reference = str(transmission.reference)
    files = sftp_wire.files()
    assert set(files) == {
        f"{reference}.txt",
        f"{reference}.htm",
        f"{reference}-ex991g1.jpg",
        f"{reference}-1-q3-2026-results.pdf",
        f"{reference}.json",
    }  # and no half-written ".part" file
    manifest = json.loads(files[f"{reference}.json"])
    assert manifest["hold_until"] == transmission.hold_until.isoformat().replace("+00:00", "Z")
    for listed in manifest["files"]:
        assert hashlib.sha256(files[listed["name"]]).hexdigest() == listed["sha256"]
    assert files[f"{reference}.txt"].startswith(b"HOLD FOR RELEASE UNTIL ")
    # A try that died after the set was complete comes again: the drop has it, and nothing is written twice.
    Transmission.objects.filter(pk=transmission.pk).update(status=Status.SENDING)
    assert services.transmission_send(transmission.pk) == Status.SENT
    assert sftp_wire.files() == files


def test_an_https_wire_gets_json_with_a_bearer_token_and_its_acceptance_is_recorded(
    company, author, approver, https_wire
):
    transmission = sent(author, approver)
    assert transmission.status == Status.ACCEPTED and transmission.wire_id == "BW-20261208-0042"
    (request,) = https_wire.requests
    assert request["headers"]["Authorization"] == "Bearer wire-token"
    assert request["headers"]["Idempotency-Key"] == str(transmission.reference)
    document = json.loads(request["body"])
    assert document["hold_until"] == transmission.hold_until.isoformat().replace("+00:00", "Z")
    assert document["instructions"][0].startswith("HOLD FOR RELEASE UNTIL ")
    assert document["exhibit_sha256"] == transmission.exhibit.sha256
    files = {item["name"]: base64.b64decode(item["data"]) for item in document["attachments"]}
    assert files["1-q3-2026-results.pdf"].startswith(b"%PDF-")
    assert hashlib.sha256(request["body"]).hexdigest() == transmission.payload_sha256
    assert AuditEntry.objects.filter(action="wire.accepted", data__source="channel").count() == 1


def test_an_https_wire_taking_newsml_g2_gets_a_valid_news_item(company, author, approver, https_wire, settings):
    settings.WIRE_HTTPS_FORMAT = "newsml"
    transmission = sent(author, approver)
    (request,) = https_wire.requests
    assert request["headers"]["Content-Type"] == "application/vnd.iptc.g2.newsitem+xml"
    schema = etree.XMLSchema(etree.parse(str(SCHEMAS / "NewsML-G2_2.35-spec-All-Power.xsd")))
    item = etree.fromstring(request["body"])
    schema.assertValid(item)
    g2 = {"g2": "http://iptc.org/std/nar/2006-10-01/", "h": "http://www.w3.org/1999/xhtml"}
    assert item.get("guid") == f"urn:uuid:{transmission.reference}"
    assert item.findtext("g2:itemMeta/g2:embargoed", namespaces=g2) == transmission.hold_until.strftime(
        "%Y-%m-%dT%H:%M:%SZ"
    )
    assert item.findtext("g2:contentMeta/g2:headline", namespaces=g2) == "Halvorsen Reports Record Third Quarter"
    body = item.find("g2:contentSet/g2:inlineXML/h:html/h:body", namespaces=g2)
    assert body is not None and "Quarter" in etree.tostring(body, encoding="unicode")


def test_a_correction_goes_as_a_newsml_correction(company, author, approver, https_wire, settings):
    from tests.wire.test_services import corrected

    settings.WIRE_HTTPS_FORMAT = "newsml"
    correction = corrected(author, approver)
    services.transmission_send(correction.pk)
    item = etree.fromstring(https_wire.requests[-1]["body"])
    g2 = {"g2": "http://iptc.org/std/nar/2006-10-01/"}
    assert item.find("g2:itemMeta/g2:signal", namespaces=g2).get("qcode") == "sig:correction"
    notes = [note.text for note in item.findall("g2:itemMeta/g2:edNote", namespaces=g2)]
    assert any(note.startswith("CORRECTION -- replaces the release of ") for note in notes)


def test_the_desk_refusing_the_submission_fails_it_at_once_with_the_reason(company, author, approver, smtp_wire):
    smtp_wire.reply = "550 5.7.1 Sender not authorised for this account"
    transmission = sent(author, approver)
    assert transmission.status == Status.FAILED and transmission.attempts == 1
    assert "550 5.7.1 Sender not authorised" in transmission.last_error
    assert AuditEntry.objects.get(action="wire.failed").data["reason"] == transmission.last_error


def test_a_wrong_token_fails_for_good_and_an_outage_is_tried_again(company, author, approver, https_wire, settings):
    settings.WIRE_HTTPS_TOKEN = "an-old-token"
    assert sent(author, approver).status == Status.FAILED
    settings.WIRE_HTTPS_TOKEN = https_wire.token
    https_wire.status, https_wire.answer = 503, {"error": "maintenance"}
    transmission = sent(author, approver, slug="second")
    assert transmission.status == Status.QUEUED and "503" in transmission.last_error


@pytest.mark.parametrize("fault", ["password", "host key"])
def test_an_sftp_drop_that_refuses_us_fails_it_for_good(company, author, approver, sftp_wire, settings, fault):
    if fault == "password":
        settings.WIRE_SFTP_PASSWORD = "not-the-password"
    else:
        import paramiko

        other = paramiko.RSAKey.generate(1024)
        settings.WIRE_SFTP_HOST_KEY = f"{other.get_name()} {other.get_base64()}"
    transmission = sent(author, approver)
    assert transmission.status == Status.FAILED
    assert sftp_wire.files() == {}


def test_a_desk_that_cannot_be_reached_is_tried_until_the_limit_then_failed(
    company, author, approver, smtp_wire, settings
):
    settings.WIRE_MAX_ATTEMPTS = 3
    smtp_wire.stop()
    release = approved(author, approver, publish_at=embargo_in(days=1))
    transmission = only_transmission(release)
    for attempt in (1, 2):
        with pytest.raises(Exception, match="could not be reached"):
            services.transmission_send(transmission.pk)
        transmission.refresh_from_db()
        assert (transmission.status, transmission.attempts) == (Status.QUEUED, attempt)
    assert services.transmission_send(transmission.pk) == Status.FAILED
    transmission.refresh_from_db()
    assert transmission.last_error.startswith("Gave up after 3 tries")


def test_a_release_that_went_back_to_draft_before_sending_is_not_sent(company, author, approver, smtp_wire):
    from releases.services import release_update

    release = approved(author, approver, publish_at=embargo_in(days=1))
    release_update(actor=author, pk=release.pk, base_version=release.version, headline="Changed after approval")
    assert services.transmission_send(only_transmission(release).pk) == Status.SUPERSEDED
    assert smtp_wire.messages == []


def every_stored_value() -> str:
    """Everything the database holds, every row of every table, as text."""
    from django.apps import apps

    def text(value):
        return bytes(value).decode("latin-1") if isinstance(value, bytes | memoryview) else str(value)

    return "\n".join(
        text(value) for model in apps.get_models() for row in model.objects.values() for value in row.values()
    )


@pytest.fixture
def signed_in_desk(settings, authority):
    """A mail desk that asks for STARTTLS (its certificate from the test's CA) and then a sign-in."""
    from tests.wire.servers import MailDesk

    desk = MailDesk(credentials=("hlvi-desk", "desk-Pa55-9c1e"), authority=authority).start()
    settings.WIRE_CA_FILE = str(authority.ca_file)
    settings.WIRE_CHANNEL = "smtp"
    settings.WIRE_SMTP_TO = "newsdesk@wire.example"
    settings.WIRE_SMTP_FROM = "ir@halvorsen.example"
    yield desk
    desk.stop()


def test_the_mail_desk_is_reached_over_starttls_and_signs_us_in_with_the_credentials_of_the_environment(
    company, author, approver, signed_in_desk, settings
):
    settings.WIRE_SMTP_URL = f"smtp+tls://hlvi-desk:wrong-Pa55@127.0.0.1:{signed_in_desk.port}"
    refused = sent(author, approver)
    assert refused.status == Status.FAILED and "refused the sign-in: 535" in refused.last_error
    settings.WIRE_SMTP_URL = f"smtp+tls://hlvi-desk:desk-Pa55-9c1e@127.0.0.1:{signed_in_desk.port}"
    assert sent(author, approver, slug="second").status == Status.SENT and len(signed_in_desk.messages) == 1


@pytest.mark.parametrize("channel", ["smtp", "sftp", "https"])
def test_the_channels_credentials_come_from_the_environment_and_never_reach_the_database(
    company, author, approver, request, settings, channel
):
    """A transmission that went out and one refused for a wrong credential leave no credential in any row:
    not the transmission's answer or error, the audit log, the outbox, nor the company's wire settings."""
    if channel == "smtp":
        desk = request.getfixturevalue("signed_in_desk")
        secrets, wrong = ["desk-Pa55-9c1e"], "wrong-Pa55-3b7d"
        url = f"smtp+tls://hlvi-desk:{{}}@127.0.0.1:{desk.port}"
        settings.WIRE_SMTP_URL = url.format(wrong)
        refused = sent(author, approver)
        settings.WIRE_SMTP_URL = url.format(secrets[0])
    elif channel == "sftp":
        drop = request.getfixturevalue("sftp_wire")
        secrets, wrong = [drop.password], "wrong-drop-4e2a"
        settings.WIRE_SFTP_PASSWORD = wrong
        refused = sent(author, approver)
        settings.WIRE_SFTP_PASSWORD = drop.password
    else:
        endpoint = request.getfixturevalue("https_wire")
        secrets, wrong = [endpoint.token], "wrong-token-77f0"
        settings.WIRE_HTTPS_TOKEN = wrong
        refused = sent(author, approver)
        settings.WIRE_HTTPS_TOKEN = endpoint.token
    assert refused.status == Status.FAILED
    went_out = sent(author, approver, slug="second")
    assert went_out.status in {Status.SENT, Status.ACCEPTED}
    stored = every_stored_value()
    assert refused.last_error in stored and went_out.payload_sha256 in stored  # the scan reads these rows
    for secret in [*secrets, wrong]:
        assert secret not in stored
