"""Real servers on this machine standing in for a newswire: its mail desk (aiosmtpd), its SFTP drop (paramiko's
server interface over a folder) and its HTTPS endpoint (http.server behind TLS with a certificate from a CA
made for the test). The production clients in ``wire.channels`` talk to them as to a wire."""

import asyncio
import datetime as dt
import email
import email.policy
import ipaddress
import json
import os
import socket
import ssl
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import paramiko
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# -- the mail desk ------------------------------------------------------------------------------------------


class MailDesk:
    """A wire's submission desk: keeps every message it accepted (answered 250 on a connection still open).

    ``reply``: the answer to DATA instead of 250 (e.g. ``550 5.7.1 not authorised``). ``stall``: an event
    the desk waits for before it answers, so a test can kill the sender mid-send. ``credentials``: a user
    name and password the desk asks senders to sign in with (SMTP AUTH), after STARTTLS with a certificate
    from ``authority``.
    """

    def __init__(self, *, credentials: tuple[str, str] | None = None, authority=None):
        self.credentials, self.authority = credentials, authority
        self.port = free_port()
        self.lock = threading.Lock()
        self.messages: list[email.message.EmailMessage] = []
        self.received = 0  # every DATA that arrived, answered or not
        self.reply = "250 2.0.0 Queued for the news desk"
        self.stall: threading.Event | None = None
        self.stalled = threading.Event()
        self.controller = None

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            self.received += 1
        stall, self.stall = self.stall, None  # one message is stalled; the next is answered at once
        if stall is not None:
            self.stalled.set()
            # A sender that goes away meanwhile cancels this handler: its message is never accepted.
            await asyncio.get_running_loop().run_in_executor(None, stall.wait, 60)
            if server.transport is None or server.transport.is_closing():
                return "451 4.3.0 The sender went away"  # never answered: SMTP did not deliver it
        if not self.reply.startswith("250"):
            return self.reply
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with self.lock:
            self.messages.append(message)
        return self.reply

    def _authenticate(self, server, session, envelope, mechanism, auth_data):
        signed_in = (
            isinstance(auth_data, LoginPassword)
            and (
                auth_data.login.decode(),
                auth_data.password.decode(),
            )
            == self.credentials
        )
        return AuthResult(success=signed_in, handled=False)  # the server answers 235 or 535 itself

    def start(self) -> "MailDesk":
        options = {}
        if self.credentials:
            tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            tls.load_cert_chain(self.authority.cert_file, self.authority.key_file)
            options = {"authenticator": self._authenticate, "auth_required": True, "tls_context": tls}
            options["require_starttls"] = True
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port, **options)
        self.controller.start()
        return self

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}"

    def message_ids(self) -> list[str]:
        with self.lock:
            return [str(message["Message-ID"]) for message in self.messages]


# -- the SFTP drop ------------------------------------------------------------------------------------------


class _Handle(paramiko.SFTPHandle):
    def stat(self):
        return paramiko.SFTPAttributes.from_stat(os.fstat(self.readfile.fileno()))


class _Folder(paramiko.SFTPServerInterface):
    """The drop's file system: one folder on disk, every path below it."""

    def __init__(self, server, *args, root: Path, **kwargs):
        super().__init__(server, *args, **kwargs)
        self.root = root
        self.read_only = server.read_only
        self.drop = server.drop

    def _path(self, path: str) -> Path:
        resolved = (self.root / path.lstrip("/")).resolve()
        if self.root not in (resolved, *resolved.parents):
            raise PermissionError(path)
        return resolved

    def _answer(self, call):
        try:
            return call()
        except OSError as error:
            return paramiko.SFTPServer.convert_errno(error.errno or 13)

    def stat(self, path):
        return self._answer(lambda: paramiko.SFTPAttributes.from_stat(os.stat(self._path(path))))

    lstat = stat

    def list_folder(self, path):
        def listing():
            folder = self._path(path)
            return [paramiko.SFTPAttributes.from_stat(os.stat(folder / name), name) for name in os.listdir(folder)]

        return self._answer(listing)

    def open(self, path, flags, attr):
        if flags & os.O_WRONLY and path.endswith(".json.part"):
            self.drop.before_manifest()

        def opened():
            target = self._path(path)
            if self.read_only and flags & (os.O_WRONLY | os.O_RDWR):
                raise PermissionError(13, "read-only drop")
            descriptor = os.open(target, flags, 0o644)
            if flags & os.O_WRONLY:
                mode = "ab" if flags & os.O_APPEND else "wb"
            elif flags & os.O_RDWR:
                mode = "a+b" if flags & os.O_APPEND else "r+b"
            else:
                mode = "rb"
            handle = _Handle(flags)
            handle.filename = str(target)
            handle.readfile = handle.writefile = os.fdopen(descriptor, mode)
            return handle

        return self._answer(opened)

    def remove(self, path):
        return self._answer(lambda: (os.remove(self._path(path)), paramiko.SFTP_OK)[1])

    def rename(self, oldpath, newpath):
        return self._answer(lambda: (os.rename(self._path(oldpath), self._path(newpath)), paramiko.SFTP_OK)[1])

    posix_rename = rename

    def canonicalize(self, path):
        return "/" + str(self._path(path).relative_to(self.root)).lstrip(".")


class _Server(paramiko.ServerInterface):
    def __init__(self, drop):
        self.drop = drop
        self.read_only = drop.read_only

    def get_allowed_auths(self, username):
        return "password"

    def check_auth_password(self, username, password):
        ok = username == self.drop.username and password == self.drop.password
        return paramiko.AUTH_SUCCESSFUL if ok else paramiko.AUTH_FAILED

    def check_channel_request(self, kind, chanid):
        return paramiko.OPEN_SUCCEEDED if kind == "session" else paramiko.OPEN_FAILED_ADMINISTRATIVELY_PROHIBITED


class SftpDropServer:
    """An SFTP server over ``root`` for one user and password, with its own host key.

    ``stall``: an event the drop waits for when a client starts writing a file set's manifest (the last
    file: the others are in the drop by then), so a test can kill the sender mid-send.
    """

    _host_key = None

    def __init__(self, root: Path, *, username="hlvi", password="drop-secret"):  # noqa: S107 - the test's own
        self.root = root.resolve()
        self.username, self.password = username, password
        self.read_only = False
        self.stall: threading.Event | None = None
        self.stalled = threading.Event()
        self.port = free_port()
        if SftpDropServer._host_key is None:
            SftpDropServer._host_key = paramiko.RSAKey.generate(2048)
        self.host_key = SftpDropServer._host_key
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", self.port))
        self.sock.listen(8)
        self.stopped = threading.Event()
        self.transports: list[paramiko.Transport] = []
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    @property
    def host_key_line(self) -> str:
        return f"{self.host_key.get_name()} {self.host_key.get_base64()}"

    @property
    def url(self) -> str:
        return f"sftp://{self.username}@127.0.0.1:{self.port}/incoming"

    def _serve(self):
        self.sock.settimeout(0.2)
        while not self.stopped.is_set():
            try:
                connection, _ = self.sock.accept()
            except (TimeoutError, OSError):
                continue
            transport = paramiko.Transport(connection)
            transport.add_server_key(self.host_key)
            root = self.root
            transport.set_subsystem_handler("sftp", paramiko.SFTPServer, _Folder, root=root)
            try:
                transport.start_server(server=_Server(self))
            except (paramiko.SSHException, EOFError):
                continue
            self.transports.append(transport)

    def before_manifest(self) -> None:
        stall, self.stall = self.stall, None  # one file set is stalled; the next goes through at once
        if stall is not None:
            self.stalled.set()
            stall.wait(60)

    def stop(self):
        self.stopped.set()
        for transport in self.transports:
            transport.close()
        self.sock.close()

    def files(self) -> dict[str, bytes]:
        folder = self.root / "incoming"
        return {path.name: path.read_bytes() for path in sorted(folder.iterdir())}


# -- the HTTPS endpoint -------------------------------------------------------------------------------------


@dataclass
class CertificateAuthority:
    """A CA made for the test, and a server certificate it signed for 127.0.0.1 and localhost."""

    directory: Path
    ca_file: Path = field(init=False)
    cert_file: Path = field(init=False)
    key_file: Path = field(init=False)

    def __post_init__(self):
        now = dt.datetime.now(dt.UTC)
        ca_key = ec.generate_private_key(ec.SECP256R1())
        ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Test wire CA")])
        ca = (
            x509.CertificateBuilder()
            .subject_name(ca_name)
            .issuer_name(ca_name)
            .public_key(ca_key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(days=1))
            .not_valid_after(now + dt.timedelta(days=7))
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .add_extension(x509.KeyUsage(True, False, False, False, False, True, True, False, False), critical=True)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False)
            .sign(ca_key, hashes.SHA256())
        )
        key = ec.generate_private_key(ec.SECP256R1())
        cert = (
            x509.CertificateBuilder()
            .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "wire.test")]))
            .issuer_name(ca_name)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(days=1))
            .not_valid_after(now + dt.timedelta(days=7))
            .add_extension(
                x509.SubjectAlternativeName(
                    [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
                ),
                critical=False,
            )
            .add_extension(x509.ExtendedKeyUsage([x509.oid.ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False)
            .sign(ca_key, hashes.SHA256())
        )
        self.ca_file = self.directory / "ca.pem"
        self.cert_file = self.directory / "server.pem"
        self.key_file = self.directory / "server.key"
        self.ca_file.write_bytes(ca.public_bytes(serialization.Encoding.PEM))
        self.cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
        self.key_file.write_bytes(
            key.private_bytes(
                serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
            )
        )


class HttpsWire:
    """A wire's HTTPS endpoint: POSTs with the right bearer token are kept and answered ``answer``; a
    known ``Idempotency-Key`` is answered 409 with the first answer, as wires' APIs do.

    ``stall``: an event the endpoint waits for after it took a submission and before it answers, so a test
    can kill the sender mid-send.
    """

    def __init__(self, authority: CertificateAuthority, *, token="wire-token"):  # noqa: S107 - the test's own
        self.token = token
        self.requests: list[dict] = []
        self.answers: dict[str, bytes] = {}
        self.status, self.answer = 202, {"status": "accepted", "id": "BW-20261208-0042"}
        self.stall: threading.Event | None = None
        self.stalled = threading.Event()
        self.lock = threading.Lock()
        wire = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                if self.headers.get("Authorization") != f"Bearer {wire.token}":
                    return self._send(401, b'{"error": "unauthorised"}')
                key = self.headers.get("Idempotency-Key", "")
                with wire.lock:
                    wire.requests.append({"path": self.path, "headers": dict(self.headers), "body": body})
                    if key in wire.answers:
                        return self._send(409, wire.answers[key])
                    answer = json.dumps(wire.answer).encode()
                    if 200 <= wire.status < 300:
                        wire.answers[key] = answer
                    stall, wire.stall = wire.stall, None  # one submission is stalled; the next answered at once
                if stall is not None:
                    wire.stalled.set()
                    stall.wait(60)
                try:
                    return self._send(wire.status, answer)
                except OSError:
                    return None  # the sender went away: it never read the answer

            def _send(self, status, body):
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self.port = free_port()
        self.server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(authority.cert_file, authority.key_file)
        self.server.socket = context.wrap_socket(self.server.socket, server_side=True)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"https://127.0.0.1:{self.port}/v1/releases"

    def stop(self):
        self.server.shutdown()
        self.server.server_close()

    def accepted_keys(self) -> set[str]:
        return set(self.answers)
