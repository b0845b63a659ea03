"""deploy/nginx/irportal.conf in front of gunicorn, both real, on loopback (deploy/localnginx.py renders the site)."""

import datetime as dt
import http.client
import os
import socket
import ssl
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client

from deploy import localnginx
from irportal.accounts.roles import IR_APPROVER, IR_AUTHOR
from releases.workflow import release_withdraw
from tests.conftest import is_postgres, wait_for
from tests.factories import UserFactory, make_approval_step, make_company
from tests.investors.conftest import publish_now

ROOT = Path(__file__).resolve().parents[2]
HOST = "ir.example.com"
PROXY_SECONDS = 2

needs_nginx = pytest.mark.skipif(not localnginx.installed(), reason="nginx is not installed (apt-get install nginx)")


@needs_nginx
def test_the_site_passes_nginx_t(tmp_path):
    layout = localnginx.Layout(tmp_path, localnginx.free_port(), localnginx.free_port(), "127.0.0.1:8000", tmp_path)
    result = localnginx.check(layout)
    assert result.returncode == 0, result.stderr
    assert "test is successful" in result.stderr


def _database_url() -> str:
    db = connection.settings_dict
    credentials = quote(db["USER"] or "") + (f":{quote(db['PASSWORD'])}" if db["PASSWORD"] else "")
    return f"postgres://{credentials}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def _start_gunicorn(port: int, var_dir: Path) -> subprocess.Popen:
    env = {
        **os.environ,
        "DATABASE_URL": _database_url(),
        "REDIS_URL": settings.REDIS_URL,
        "CACHE_KEY_PREFIX": settings.CACHES["default"]["KEY_PREFIX"],
        "ALLOWED_HOSTS": f"{HOST},127.0.0.1",
        "SECURE_SSL_REDIRECT": "true",
        "SECURE_PROXY_SSL_HEADER": "true",
        "TRUSTED_PROXIES": "127.0.0.1",
        "SECURE_HSTS_SECONDS": "31536000",
        "SESSION_COOKIE_SECURE": "true",
        "CSRF_COOKIE_SECURE": "true",
        "PUBLIC_CACHE_PROXY_SECONDS": str(PROXY_SECONDS),
        "WEB_BIND": f"127.0.0.1:{port}",
        "WEB_CONCURRENCY": "2",
        "IRPORTAL_VAR_DIR": str(var_dir),
        "LOG_LEVEL": "WARNING",
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "irportal.wsgi", "--config", "deploy/gunicorn.conf.py"], cwd=ROOT, env=env
    )

    def answers():
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1):
                return True
        except OSError:
            assert process.poll() is None, "gunicorn exited"
            return False

    wait_for(answers, timeout=30)
    return process


class Proxy:
    """Requests to nginx's HTTPS server as a browser on the real host name would send them."""

    def __init__(self, layout: localnginx.Layout, upstream_port: int):
        self.layout = layout
        self.upstream_port = upstream_port
        self.context = ssl.create_default_context()
        self.context.check_hostname = False
        self.context.verify_mode = ssl.CERT_NONE

    def get(self, path: str, *, headers: dict | None = None, port: int | None = None, tls: bool = True):
        port = port or self.layout.https_port
        if tls:
            conn = http.client.HTTPSConnection("127.0.0.1", port, context=self.context, timeout=10)
        else:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        conn.request("GET", path, headers={"Host": HOST, **(headers or {})})
        response = conn.getresponse()
        response.text = response.read().decode()
        conn.close()
        return response


@pytest.fixture
def proxy(transactional_db, tmp_path):
    if not localnginx.installed():
        pytest.skip("nginx is not installed (apt-get install nginx)")
    if not is_postgres() or not settings.REDIS_URL:
        pytest.skip("gunicorn shares the test's database and cache: needs DATABASE_URL (PostgreSQL) and REDIS_URL")
    web_port = localnginx.free_port()
    gunicorn = _start_gunicorn(web_port, tmp_path / "var")
    static = tmp_path / "static"
    static.mkdir()
    layout = localnginx.Layout(
        tmp_path / "nginx", localnginx.free_port(), localnginx.free_port(), f"127.0.0.1:{web_port}", static
    )
    nginx = localnginx.start(layout)
    try:
        yield Proxy(layout, web_port)
    finally:
        localnginx.stop(nginx)
        gunicorn.terminate()
        gunicorn.wait(timeout=20)


@pytest.fixture
def published(transactional_db):
    make_company()
    make_approval_step()
    author, approver = UserFactory(roles=[IR_AUTHOR]), UserFactory(roles=[IR_APPROVER])
    release = publish_now(author, approver, slug="q3-results")
    return release, approver


def test_public_pages_are_kept_for_their_s_maxage(proxy, published):
    # Lifetimes run to the next minute boundary at most (investors/cache.py): start well before one.
    if dt.datetime.now().second > 60 - PROXY_SECONDS - 3:
        time.sleep(61 - dt.datetime.now().second)
    first = proxy.get("/investors/")
    assert first.status == 200
    assert first.getheader("X-Cache-Status") == "MISS"
    assert f"s-maxage={PROXY_SECONDS}" in first.getheader("Cache-Control")
    assert proxy.get("/investors/").getheader("X-Cache-Status") == "HIT"
    started = time.monotonic()
    wait_for(lambda: proxy.get("/investors/").getheader("X-Cache-Status") != "HIT", timeout=PROXY_SECONDS + 5)
    assert time.monotonic() - started >= PROXY_SECONDS - 1


def test_staff_and_compliance_pages_are_never_cached(proxy, published):
    for path in ("/staff/login/", "/compliance/audit/"):
        statuses = [proxy.get(path).getheader("X-Cache-Status") for _ in range(3)]
        assert statuses == [None, None, None], path


def test_a_response_that_sets_a_cookie_is_never_kept(proxy, published):
    # The alert sign-up form sets the CSRF cookie.
    responses = [proxy.get("/investors/alerts/") for _ in range(3)]
    assert all("csrftoken=" in (response.getheader("Set-Cookie") or "") for response in responses)
    assert [response.getheader("X-Cache-Status") for response in responses] == ["MISS", "MISS", "MISS"]


def test_a_signed_in_request_never_reads_the_cache_nor_fills_it(proxy, published):
    _, approver = published
    client = Client()
    client.force_login(approver)
    # The name production uses over HTTPS (the app behind nginx has secure cookies).
    cookie = {"Cookie": f"theme=dark; __Host-sessionid={client.cookies[settings.SESSION_COOKIE_NAME].value}"}
    assert proxy.get("/investors/").getheader("X-Cache-Status") == "MISS"
    assert proxy.get("/investors/").getheader("X-Cache-Status") == "HIT"
    assert proxy.get("/investors/", headers=cookie).getheader("X-Cache-Status") == "BYPASS"
    assert proxy.get("/investors/news/", headers=cookie).getheader("X-Cache-Status") == "BYPASS"
    assert proxy.get("/investors/news/").getheader("X-Cache-Status") == "MISS"


def test_the_app_sees_https_from_x_forwarded_proto(proxy, published):
    feed = proxy.get("/investors/news/feed/")
    assert feed.status == 200
    assert f"https://{HOST}/investors/news/q3-results/" in feed.text
    # Without the proxy's header the same app redirects to HTTPS (SECURE_SSL_REDIRECT): the header is what it trusts.
    direct = proxy.get("/investors/news/feed/", port=proxy.upstream_port, tls=False)
    assert direct.status == 301
    assert direct.getheader("Location") == f"https://{HOST}/investors/news/feed/"
    # A client cannot claim HTTPS over plain HTTP: nginx answers port 80 with its own redirect.
    plain = proxy.get("/investors/", port=proxy.layout.http_port, tls=False, headers={"X-Forwarded-Proto": "https"})
    assert plain.status == 301
    assert plain.getheader("Location") == f"https://{HOST}/investors/"


def test_a_withdrawn_release_is_gone_from_behind_the_proxy_within_the_ceiling(proxy, published):
    release, approver = published
    path = "/investors/news/q3-results/"
    assert proxy.get(path).status == 200
    cached_from = time.monotonic()  # the proxy's copy was made by the time its first answer arrived, no later
    assert proxy.get(path).getheader("X-Cache-Status") == "HIT"

    release_withdraw(release_id=release.pk, actor=approver, reason="Issued in error")
    # Every answer still showing the release was asked for within the ceiling of the copy's life (nginx counts
    # it in whole seconds, so up to one more); after it, 410.
    while True:
        asked_at = time.monotonic()
        response = proxy.get(path)
        if response.status == 410:
            break
        assert asked_at - cached_from <= PROXY_SECONDS + 1, f"still served {asked_at - cached_from:.2f} s after caching"
        time.sleep(0.05)
    assert "withdrawn" in response.text.lower()


def test_nginx_logs_no_bearer_token(proxy, published):
    token = "Zq7X1t0kV3nB9sPq2mW8yR4cL6dF5hJ0aE3uI7oK1gT"
    referer = {"Referer": f"https://{HOST}/investors/alerts/confirm/{token}/"}
    paths = (f"/feeds/calendar/{token}.ics", f"/investors/alerts/unsubscribe/{token}/", f"/staff/account/link/{token}/")
    for path in paths:
        proxy.get(path, headers=referer)
    wait_for(lambda: proxy.layout.access_log.read_text().count("\n") >= len(paths), timeout=5)
    written = proxy.layout.access_log.read_text()
    assert token not in written and token[:8] not in written
    assert "GET /feeds/calendar/[redacted].ics HTTP/1.1" in written
    assert "GET /investors/alerts/unsubscribe/[redacted]/ HTTP/1.1" in written
    assert "GET /staff/account/link/[redacted]/ HTTP/1.1" in written
    assert f'"https://{HOST}/investors/alerts/confirm/[redacted]/"' in written


# nginx's own answers and its TLS policy: nginx alone, its upstream a port where nothing listens.

SECURITY_HEADERS = {
    "Strict-Transport-Security": "max-age=31536000; includeSubDomains; preload",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "strict-origin-when-cross-origin",
}


@pytest.fixture
def nginx_alone(tmp_path):
    if not localnginx.installed():
        pytest.skip("nginx is not installed (apt-get install nginx)")
    static = tmp_path / "static"
    static.mkdir()
    (static / "app.css").write_text("body { margin: 0; }\n")
    nowhere = f"127.0.0.1:{localnginx.free_port()}"
    layout = localnginx.Layout(tmp_path / "nginx", localnginx.free_port(), localnginx.free_port(), nowhere, static)
    process = localnginx.start(layout)
    try:
        yield Proxy(layout, upstream_port=0)
    finally:
        localnginx.stop(process)


def assert_security_headers(response, where):
    for name, value in SECURITY_HEADERS.items():
        assert response.headers.get_all(name) == [value], (where, name, response.headers.get_all(name))
    policies = response.headers.get_all("Content-Security-Policy")
    assert policies and len(policies) == 1, where
    for directive in ("default-src 'none'", "base-uri 'none'", "frame-ancestors 'none'"):
        assert directive in policies[0], (where, directive)


def test_every_answer_nginx_makes_itself_carries_the_security_headers(nginx_alone):
    answers = {
        "static file": (nginx_alone.get("/static/app.css"), 200),
        "missing static file": (nginx_alone.get("/static/nowhere.css"), 404),
        "media": (nginx_alone.get("/media/secret.pdf"), 404),
        "metrics": (nginx_alone.get("/metrics"), 404),
        "app down": (nginx_alone.get("/investors/"), 502),
        "staff, app down": (nginx_alone.get("/staff/"), 502),
        "redirect to HTTPS": (nginx_alone.get("/investors/", port=nginx_alone.layout.http_port, tls=False), 301),
    }
    for where, (response, status) in answers.items():
        assert response.status == status, where
        assert_security_headers(response, where)
        assert response.getheader("Server") == "nginx", where  # no version
    assert answers["static file"][0].getheader("Cache-Control") == "max-age=31536000, public, immutable"
    assert "IR Portal" in answers["app down"][0].text  # nginx's error page, not its banner
    assert "nginx" not in answers["app down"][0].text.lower()


def test_trace_is_answered_by_nginx_with_405(nginx_alone):
    conn = http.client.HTTPSConnection("127.0.0.1", nginx_alone.layout.https_port, context=nginx_alone.context)
    conn.request("TRACE", "/staff/", headers={"Host": HOST, "Cookie": "sessionid=abc"})
    response = conn.getresponse()
    body = response.read().decode()
    conn.close()
    assert response.status == 405
    assert "sessionid" not in body
    assert_security_headers(response, "TRACE")


def test_a_request_too_large_is_refused_with_the_security_headers(nginx_alone):
    conn = http.client.HTTPSConnection("127.0.0.1", nginx_alone.layout.https_port, context=nginx_alone.context)
    conn.request("POST", "/investors/alerts/", body=b"x" * (2 * 1024 * 1024), headers={"Host": HOST})
    response = conn.getresponse()
    response.text = response.read().decode()
    conn.close()
    assert response.status == 413
    assert_security_headers(response, "413")


def handshake(layout, *, version=None, ciphers=None):
    """The TLS version and cipher a client with these offers agrees on with nginx, or the SSLError."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    if ciphers:
        context.set_ciphers(ciphers)
    if version:
        context.minimum_version = context.maximum_version = version
    with socket.create_connection(("127.0.0.1", layout.https_port), timeout=10) as sock:
        try:
            with context.wrap_socket(sock, server_hostname=HOST) as tls:
                return tls.version(), tls.cipher()[0]
        except ssl.SSLError as error:
            return error


def test_tls_offers_only_versions_and_ciphers_with_forward_secrecy_and_aead(nginx_alone):
    layout = nginx_alone.layout
    assert handshake(layout)[0] == "TLSv1.3"  # the newest version is preferred
    assert handshake(layout, version=ssl.TLSVersion.TLSv1_2, ciphers="ECDHE-RSA-AES256-GCM-SHA384") == (
        "TLSv1.2",
        "ECDHE-RSA-AES256-GCM-SHA384",
    )
    # TLS 1.2 with an RSA key exchange (no forward secrecy) or a CBC cipher: refused by the server.
    for weak in ("AES128-GCM-SHA256", "AES256-SHA256", "ECDHE-RSA-AES128-SHA", "ECDHE-RSA-AES256-SHA384"):
        refused = handshake(layout, version=ssl.TLSVersion.TLSv1_2, ciphers=f"{weak}:@SECLEVEL=0")
        assert isinstance(refused, ssl.SSLError), weak
        assert "HANDSHAKE_FAILURE" in refused.reason or "NO_SHARED_CIPHER" in str(refused).upper(), refused
    # When the client lets the server choose among its strong ciphers, the strongest is chosen.
    chosen = handshake(
        layout, version=ssl.TLSVersion.TLSv1_2, ciphers="ECDHE-RSA-AES128-GCM-SHA256:ECDHE-RSA-AES256-GCM-SHA384"
    )
    assert chosen == ("TLSv1.2", "ECDHE-RSA-AES256-GCM-SHA384")
    # TLS 1.1 and 1.0, offered by OpenSSL's own client with every cipher allowed: the server answers with a
    # "protocol version" alert.
    for old in ("-tls1_1", "-tls1"):
        result = subprocess.run(
            ["openssl", "s_client", "-connect", f"127.0.0.1:{layout.https_port}", old, "-cipher", "ALL:@SECLEVEL=0"],
            input="",
            capture_output=True,
            text=True,
            timeout=20,
            check=False,
        )
        assert result.returncode != 0, old
        assert "alert protocol version" in result.stderr, result.stderr


def test_the_apps_answers_keep_the_apps_headers_once(proxy, published):
    for path in ("/investors/", "/staff/login/", "/investors/news/no-such-release/"):
        response = proxy.get(path)
        assert response.status in {200, 404}, path
        for name in ("Strict-Transport-Security", "X-Content-Type-Options", "X-Frame-Options"):
            assert len(response.headers.get_all(name) or []) == 1, (path, name)
        [policy] = response.headers.get_all("Content-Security-Policy")
        assert "script-src 'self'" in policy, path  # the app's policy, not nginx's
    # The app's own 404 page passes through nginx (its error page is for nginx's own errors).
    assert "not available" not in proxy.get("/investors/news/no-such-release/").text
