"""deploy/nginx/irportal.conf, run by Debian's nginx on loopback: for CI's ``nginx -t``, the proxy tests and the bench.

The site file is used as it is, with only its machine-specific values replaced (ports, certificate,
upstream, static and cache directories; IPv6 listeners dropped), so what CI checks and what the tests
run is the file an operator installs. A throwaway self-signed certificate is made each time; nothing
secret is kept.

    python -m deploy.localnginx check     # render into a temporary prefix and run nginx -t on it
"""

import getpass
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

SITE = Path(__file__).resolve().parent / "nginx" / "irportal.conf"
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
MIME_TYPES = Path("/etc/nginx/mime.types")


def installed() -> bool:
    return Path(NGINX).exists()


@dataclass(frozen=True)
class Layout:
    prefix: Path
    http_port: int
    https_port: int
    upstream: str
    static_dir: Path

    @property
    def conf(self) -> Path:
        return self.prefix / "nginx.conf"

    @property
    def access_log(self) -> Path:
        return self.prefix / "logs" / "irportal.access.log"


def render_site(layout: Layout, cert: Path, key: Path) -> str:
    """The site file with this machine's values; each replaced value must still be in the file."""
    text = "\n".join(line for line in SITE.read_text().splitlines() if "[::]" not in line) + "\n"
    replacements = {
        "listen 80;": f"listen 127.0.0.1:{layout.http_port};",
        "listen 443 ssl http2;": f"listen 127.0.0.1:{layout.https_port} ssl http2;",
        "/etc/ssl/irportal/fullchain.pem": str(cert),
        "/etc/ssl/irportal/privkey.pem": str(key),
        "server 127.0.0.1:8000;": f"server {layout.upstream};",
        "/srv/irportal/var/static/": f"{layout.static_dir}/",
        "/srv/irportal/deploy/nginx/": f"{SITE.parent}/",
        "/var/cache/nginx/irportal": str(layout.prefix / "cache"),
        "/var/log/nginx/irportal.access.log": str(layout.access_log),
    }
    for literal, value in replacements.items():
        if literal not in text:
            raise ValueError(f"{SITE} no longer contains {literal!r}: update deploy/localnginx.py with it")
        text = text.replace(literal, value)
    return text


def self_signed_certificate(directory: Path) -> tuple[Path, Path]:
    cert, key = directory / "cert.pem", directory / "key.pem"
    request = ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=ir.example.com"]
    subprocess.run(
        [*request, "-keyout", str(key), "-out", str(cert)],
        check=True,
        capture_output=True,
    )
    return cert, key


def write(layout: Layout, *, workers: int = 1, plain_port: int | None = None) -> Path:
    """nginx.conf (pid, logs and temporary files under the prefix) including the rendered site.

    ``plain_port`` adds a plain-HTTP listener to the site's TLS server (the bench measures the cache
    without the handshake).
    """
    prefix = layout.prefix
    for folder in ("cache", "temp", "logs"):
        (prefix / folder).mkdir(parents=True, exist_ok=True)
    cert, key = self_signed_certificate(prefix)
    site = prefix / "irportal.conf"
    text = render_site(layout, cert, key)
    if plain_port is not None:
        tls = f"listen 127.0.0.1:{layout.https_port} ssl http2;"
        text = text.replace(tls, f"{tls}\n    listen 127.0.0.1:{plain_port};")
    site.write_text(text)
    # The master runs as whoever starts it; as root, workers would drop to nobody, who cannot read the prefix.
    user = f"user {getpass.getuser()};\n" if os.geteuid() == 0 else ""
    temp = prefix / "temp"
    layout.conf.write_text(
        f"{user}worker_processes {workers};\n"
        f"pid {prefix}/nginx.pid;\n"
        f"error_log {prefix}/logs/error.log warn;\n"
        "events { worker_connections 1024; }\n"
        "http {\n"
        f"    include {MIME_TYPES};\n"
        "    default_type application/octet-stream;\n"
        "    access_log off;\n"
        f"    client_body_temp_path {temp}/client_body;\n"
        f"    proxy_temp_path {temp}/proxy;\n"
        f"    fastcgi_temp_path {temp}/fastcgi;\n"
        f"    uwsgi_temp_path {temp}/uwsgi;\n"
        f"    scgi_temp_path {temp}/scgi;\n"
        f"    include {site};\n"
        "}\n"
    )
    return layout.conf


def check(layout: Layout) -> subprocess.CompletedProcess:
    """``nginx -t`` on the rendered site."""
    write(layout)
    return subprocess.run(
        [NGINX, "-t", "-p", str(layout.prefix), "-c", str(layout.conf)], capture_output=True, text=True, check=False
    )


def start(layout: Layout, *, workers: int = 1, plain_port: int | None = None) -> subprocess.Popen:
    """nginx in the foreground (``daemon off``), answering on the layout's ports."""
    write(layout, workers=workers, plain_port=plain_port)
    process = subprocess.Popen(
        [NGINX, "-p", str(layout.prefix), "-c", str(layout.conf), "-g", "daemon off;"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 10
    while True:
        try:
            socket.create_connection(("127.0.0.1", layout.https_port), timeout=1).close()
            return process
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                raise RuntimeError(f"nginx did not start: {process.communicate()[1].decode()}") from None
            time.sleep(0.05)


def stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def main() -> int:
    if sys.argv[1:] != ["check"]:
        sys.exit(__doc__)
    if not installed():
        sys.exit("nginx is not installed (apt-get install nginx)")
    with tempfile.TemporaryDirectory(prefix="irportal-nginx-") as prefix:
        layout = Layout(Path(prefix), free_port(), free_port(), "127.0.0.1:8000", Path(prefix) / "static")
        result = check(layout)
    sys.stdout.write(result.stdout + result.stderr)
    return result.returncode


if __name__ == "__main__":
    sys.exit(main())
