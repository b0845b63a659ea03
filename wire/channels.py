"""The channels a newswire takes submissions on: its email desk (SMTP), an SFTP drop, or HTTPS.

Each channel sends one ``Submission`` and answers with what the wire said (``Answer``), or raises
``TransientFailure`` (tried again, with backoff) or ``PermanentFailure`` (shown as failed at once, for a
person to look at and send again). None is written for one vendor: the operator configures the channel
in the environment (``WIRE_*``, docs/operators/newswire.md), and the credentials are read from there only.

Every submission carries the transmission's reference (a UUID) where the protocol has a place for it: the
Message-ID, the file set's name, the ``Idempotency-Key`` header. A try that died after the wire took the
submission and before it was marked sent is sent again under the same reference: the SFTP drop finds its
file set there and sends nothing, an HTTPS wire answers the known key with the first answer, a mail desk
sees the same Message-ID.
"""

import hashlib
import json
import smtplib
import ssl
import urllib.error
import urllib.request
from dataclasses import dataclass
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import formatdate, parseaddr
from io import BytesIO
from pathlib import PurePosixPath
from urllib.parse import unquote, urlsplit

from django.conf import settings

CHANNELS = ("smtp", "sftp", "https")
FORMATS = ("json", "newsml")


class PermanentFailure(Exception):
    """The wire refused the submission, or the channel is set up wrong: trying again will not help."""


class TransientFailure(Exception):
    """The wire could not be reached or asked to come back later: tried again with backoff."""


@dataclass(frozen=True)
class Attachment:
    name: str
    content_type: str
    data: bytes


@dataclass(frozen=True)
class Submission:
    """One release as a wire takes it: the reference, the instructions, the text, HTML and files."""

    reference: str
    subject: str
    text: str
    html: bytes
    attachments: tuple[Attachment, ...]
    document: dict  # the HTTPS channel's JSON
    newsml: bytes  # the HTTPS channel's NewsML-G2


@dataclass(frozen=True)
class Answer:
    """What the wire said: ``accepted`` when its answer is an acceptance (an HTTPS wire's), else it was only
    delivered (a mail server's 250, a file in the drop) and the acceptance comes later."""

    accepted: bool
    text: str
    payload_sha256: str
    wire_id: str = ""


def configured_channel() -> str:
    """The channel the operator configured ("" for none: every release is website-only news)."""
    return (settings.WIRE_CHANNEL or "").strip().lower()


def channel_for(name: str):
    return {"smtp": SmtpDesk, "sftp": SftpDrop, "https": HttpsEndpoint}[name]()


def _tls_context() -> ssl.SSLContext:
    """The system's trusted certificates, and the operator's own CA (``WIRE_CA_FILE``) besides."""
    context = ssl.create_default_context()
    if settings.WIRE_CA_FILE:
        context.load_verify_locations(cafile=settings.WIRE_CA_FILE)
    return context


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# -- email to the wire's submission desk ---------------------------------------------------------------


class SmtpDesk:
    """The release mailed to the desk's address: plain text and HTML, the files attached, the hold
    instruction in the subject and the text. ``WIRE_SMTP_URL``: ``smtp://``, ``smtp+tls://`` (STARTTLS)
    or ``smtps://`` with the user and password; ``WIRE_SMTP_TO`` the desk; ``WIRE_SMTP_FROM`` the sender."""

    name = "smtp"

    def message(self, submission: Submission) -> EmailMessage:
        message = EmailMessage(policy=SMTP)
        message["Subject"] = submission.subject
        message["From"] = settings.WIRE_SMTP_FROM
        message["To"] = settings.WIRE_SMTP_TO
        message["Date"] = formatdate(usegmt=True)
        message["Message-ID"] = f"<{submission.reference}@irportal.wire>"
        message.set_content(submission.text)
        message.add_alternative(submission.html.decode("ascii"), subtype="html")
        for attachment in submission.attachments:
            maintype, subtype = attachment.content_type.split("/", 1)
            message.add_attachment(attachment.data, maintype=maintype, subtype=subtype, filename=attachment.name)
        return message

    def send(self, submission: Submission) -> Answer:
        url = urlsplit(settings.WIRE_SMTP_URL or "")
        if url.scheme not in {"smtp", "smtp+tls", "smtps"} or not url.hostname or not settings.WIRE_SMTP_TO:
            raise PermanentFailure("The wire's mail desk is not configured (WIRE_SMTP_URL, WIRE_SMTP_TO).")
        data = self.message(submission).as_bytes()
        sender = parseaddr(settings.WIRE_SMTP_FROM)[1]
        timeout = settings.WIRE_TIMEOUT_SECONDS
        try:
            if url.scheme == "smtps":
                server = smtplib.SMTP_SSL(url.hostname, url.port or 465, timeout=timeout, context=_tls_context())
            else:
                server = smtplib.SMTP(
                    url.hostname, url.port or (587 if url.scheme == "smtp+tls" else 25), timeout=timeout
                )
            with server:
                server.ehlo()
                if url.scheme == "smtp+tls":
                    server.starttls(context=_tls_context())
                    server.ehlo()
                if url.username:
                    server.login(unquote(url.username), unquote(url.password or ""))
                for code, reply in (server.mail(sender), server.rcpt(settings.WIRE_SMTP_TO)):
                    _smtp_reply_ok(code, reply)
                code, reply = server.data(data)
                _smtp_reply_ok(code, reply)
        except smtplib.SMTPAuthenticationError as error:
            raise PermanentFailure(f"The wire's mail server refused the sign-in: {error.smtp_code}") from error
        except smtplib.SMTPResponseException as error:  # a refusal with its code: 4xx later, 5xx never
            _smtp_reply_ok(error.smtp_code, error.smtp_error)
            raise
        except ssl.SSLCertVerificationError as error:
            raise PermanentFailure(
                f"The wire's mail server's certificate is not trusted: {error.verify_message}"
            ) from error
        except OSError as error:  # refused, reset, timed out, disconnected (smtplib's errors are OSErrors)
            raise TransientFailure(f"The wire's mail server could not be reached: {error}") from error
        return Answer(accepted=False, text=f"{code} {reply.decode('utf-8', 'replace')}", payload_sha256=_sha256(data))


def _smtp_reply_ok(code: int, reply: bytes) -> None:
    text = f"{code} {reply.decode('utf-8', 'replace') if isinstance(reply, bytes) else reply}"
    if 200 <= code < 400:
        return
    if 400 <= code < 500:
        raise TransientFailure(f"The wire's mail server asked to try again later: {text}")
    raise PermanentFailure(f"The wire's mail server refused the submission: {text}")


# -- a file set in the wire's SFTP drop -------------------------------------------------------------------


class SftpDrop:
    """The release as a file set in the drop's folder: ``<reference>.txt``, ``.htm``, each file, and last
    ``<reference>.json`` (the manifest, with each file's SHA-256), the sign the set is complete. Each file
    is written under a temporary name and renamed, so the wire never picks up half a file.

    ``WIRE_SFTP_URL``: ``sftp://user@host:port/folder``; ``WIRE_SFTP_PASSWORD`` or ``WIRE_SFTP_KEY_FILE``;
    ``WIRE_SFTP_HOST_KEY``: the server's public key (``ssh-ed25519 AAAA...``), the only one accepted.
    """

    name = "sftp"

    def files(self, submission: Submission) -> list[tuple[str, bytes]]:
        reference = submission.reference
        files = [(f"{reference}.txt", submission.text.encode("utf-8")), (f"{reference}.htm", submission.html)]
        files += [(f"{reference}-{attachment.name}", attachment.data) for attachment in submission.attachments]
        manifest = {
            "reference": reference,
            "subject": submission.subject,
            "hold_until": submission.document["hold_until"],
            "kind": submission.document["kind"],
            "files": [{"name": name, "sha256": _sha256(data), "size": len(data)} for name, data in files],
        }
        return [*files, (f"{reference}.json", json.dumps(manifest, indent=2, sort_keys=True).encode("utf-8"))]

    def send(self, submission: Submission) -> Answer:
        import paramiko

        url = urlsplit(settings.WIRE_SFTP_URL or "")
        if url.scheme != "sftp" or not url.hostname or not url.username or not settings.WIRE_SFTP_HOST_KEY:
            raise PermanentFailure("The wire's SFTP drop is not configured (WIRE_SFTP_URL, WIRE_SFTP_HOST_KEY).")
        folder = PurePosixPath(unquote(url.path) or "/")
        files = self.files(submission)
        manifest_name, manifest = files[-1]
        client = paramiko.SSHClient()
        try:
            key_type, key_data = settings.WIRE_SFTP_HOST_KEY.split()[:2]
            host = url.hostname if (url.port or 22) == 22 else f"[{url.hostname}]:{url.port}"
            client.get_host_keys().add(host, key_type, paramiko.PKey.from_type_string(key_type, _b64(key_data)))
        except (ValueError, paramiko.SSHException) as error:
            raise PermanentFailure(f"WIRE_SFTP_HOST_KEY is not a public key line: {error}") from error
        client.set_missing_host_key_policy(paramiko.RejectPolicy())
        timeout = settings.WIRE_TIMEOUT_SECONDS
        try:
            client.connect(
                url.hostname,
                port=url.port or 22,
                username=unquote(url.username),
                password=settings.WIRE_SFTP_PASSWORD,
                key_filename=settings.WIRE_SFTP_KEY_FILE,
                timeout=timeout,
                banner_timeout=timeout,
                auth_timeout=timeout,
                allow_agent=False,
                look_for_keys=False,
            )
            sftp = client.open_sftp()
            sftp.get_channel().settimeout(timeout)
            if _exists(sftp, folder / manifest_name):
                return Answer(accepted=False, text="already in the drop", payload_sha256=_sha256(manifest))
            for name, data in files:
                partial = folder / f".{name}.part"
                sftp.putfo(BytesIO(data), str(partial), confirm=True)
                sftp.posix_rename(str(partial), str(folder / name))
        except (paramiko.AuthenticationException, paramiko.BadHostKeyException, PermissionError) as error:
            raise PermanentFailure(f"The wire's SFTP drop refused us: {error}") from error
        except paramiko.SSHException as error:
            if "known_hosts" in str(error) or "host key" in str(error).lower():
                raise PermanentFailure(f"The wire's SFTP server is not the one configured: {error}") from error
            raise TransientFailure(f"The wire's SFTP drop could not be reached: {error}") from error
        except (OSError, EOFError) as error:
            raise TransientFailure(f"The wire's SFTP drop could not be reached: {error}") from error
        finally:
            client.close()
        return Answer(accepted=False, text=f"{len(files)} files in {folder}", payload_sha256=_sha256(manifest))


def _b64(text: str) -> bytes:
    import base64

    return base64.b64decode(text)


def _exists(sftp, path: PurePosixPath) -> bool:
    try:
        sftp.stat(str(path))
    except FileNotFoundError:
        return False
    return True


# -- a POST to the wire's HTTPS endpoint -------------------------------------------------------------------


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        raise PermanentFailure(f"The wire's endpoint answered {code}, a redirect to {newurl}: check WIRE_HTTPS_URL.")


# Answers worth trying again: a timeout, "too early", "too many requests", and the server's troubles.
RETRIED_STATUSES = {408, 425, 429, 500, 502, 503, 504}


class HttpsEndpoint:
    """The release POSTed as JSON (``application/json``) or NewsML-G2 (``application/vnd.iptc.g2.newsitem+xml``)
    with a bearer token. ``WIRE_HTTPS_URL`` (https:// only), ``WIRE_HTTPS_TOKEN``, ``WIRE_HTTPS_FORMAT``.

    The wire's answer: any 2xx, with a JSON body whose ``status`` is ``accepted`` when it accepted the
    release (its ``id`` is the wire's own id of it); 409 for a reference it already has (the first answer
    stands).
    """

    name = "https"

    def body(self, submission: Submission) -> tuple[bytes, str]:
        if settings.WIRE_HTTPS_FORMAT == "newsml":
            return submission.newsml, "application/vnd.iptc.g2.newsitem+xml"
        return json.dumps(submission.document, sort_keys=True).encode("utf-8"), "application/json"

    def send(self, submission: Submission) -> Answer:
        url = settings.WIRE_HTTPS_URL or ""
        if urlsplit(url).scheme != "https" or not settings.WIRE_HTTPS_TOKEN:
            raise PermanentFailure("The wire's HTTPS endpoint is not configured (WIRE_HTTPS_URL, WIRE_HTTPS_TOKEN).")
        body, content_type = self.body(submission)
        request = urllib.request.Request(  # noqa: S310 - the scheme is checked above: https only
            url,
            data=body,
            method="POST",
            headers={
                "Authorization": f"Bearer {settings.WIRE_HTTPS_TOKEN}",
                "Content-Type": content_type,
                "Accept": "application/json",
                "Idempotency-Key": submission.reference,
                "User-Agent": "IR Portal newswire",
            },
        )
        opener = urllib.request.build_opener(urllib.request.HTTPSHandler(context=_tls_context()), _NoRedirects)
        try:
            with opener.open(request, timeout=settings.WIRE_TIMEOUT_SECONDS) as response:
                status, text = response.status, response.read(64 * 1024)
        except urllib.error.HTTPError as error:
            status, text = error.code, error.read(64 * 1024)
            if status != 409:
                detail = f"{status} {text.decode('utf-8', 'replace')[:500]}"
                if status in RETRIED_STATUSES:
                    raise TransientFailure(f"The wire's endpoint asked to try again later: {detail}") from error
                raise PermanentFailure(f"The wire's endpoint refused the submission: {detail}") from error
        except urllib.error.URLError as error:
            if isinstance(error.reason, ssl.SSLCertVerificationError):
                raise PermanentFailure(
                    f"The wire's certificate is not trusted: {error.reason.verify_message}"
                ) from error
            raise TransientFailure(f"The wire's endpoint could not be reached: {error.reason}") from error
        except (TimeoutError, ConnectionError, OSError) as error:
            raise TransientFailure(f"The wire's endpoint could not be reached: {error}") from error
        answer = _json_answer(text)
        return Answer(
            accepted=answer.get("status") == "accepted",
            text=f"{status} {text.decode('utf-8', 'replace')[:2000]}",
            payload_sha256=_sha256(body),
            wire_id=str(answer.get("id") or "")[:120],
        )


def _json_answer(text: bytes) -> dict:
    try:
        answer = json.loads(text or b"{}")
    except ValueError:
        return {}
    return answer if isinstance(answer, dict) else {}
