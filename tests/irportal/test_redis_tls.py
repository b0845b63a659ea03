"""The reference set-up's Redis: a password and TLS (``rediss://``), the cache and the broker both through it.

The test starts its own redis-server from the reference configuration,
``deploy/redis/irportal.conf`` (a TLS port only, ``requirepass``), with a
free port, a password and a throwaway certificate authority and server
certificate made by openssl in place of the real ones; the URL has the form
``deploy/irportal.env.example`` shows.
"""

import shutil
import subprocess
import time
import uuid
from pathlib import Path
from urllib.parse import quote

import pytest
import redis
from kombu import Connection

from irportal.cache_backends import ReusingRedisCache
from tests.conftest import _free_port

PASSWORD = "test-only-redis-password-" + uuid.uuid4().hex
REFERENCE = Path(__file__).resolve().parents[2] / "deploy" / "redis" / "irportal.conf"


def _openssl(*args: str) -> None:
    subprocess.run(["openssl", *args], check=True, capture_output=True)


@pytest.fixture(scope="module")
def tls_redis(tmp_path_factory):
    """``(url, port)`` of a redis-server that speaks only TLS and asks for a password."""
    binary = shutil.which("redis-server")
    if binary is None or shutil.which("openssl") is None:
        pytest.skip("needs redis-server and openssl")
    root = tmp_path_factory.mktemp("redis-tls")
    ca_key, ca, key, request, cert = (root / name for name in ("ca.key", "ca.pem", "key.pem", "req.csr", "cert.pem"))
    _openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=Test CA",
             "-keyout", str(ca_key), "-out", str(ca))  # fmt: skip
    _openssl(
        "req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=127.0.0.1", "-keyout", str(key), "-out", str(request)
    )
    extensions = root / "san.cnf"
    extensions.write_text("subjectAltName=IP:127.0.0.1\n")
    _openssl("x509", "-req", "-in", str(request), "-CA", str(ca), "-CAkey", str(ca_key), "-CAcreateserial",
             "-days", "1", "-extfile", str(extensions), "-out", str(cert))  # fmt: skip
    port = _free_port()
    process = subprocess.Popen(
        [binary, str(REFERENCE), "--tls-port", str(port), "--tls-cert-file", str(cert), "--tls-key-file", str(key),
         "--tls-ca-cert-file", str(ca), "--requirepass", PASSWORD, "--dir", str(root)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )  # fmt: skip
    url = f"rediss://:{quote(PASSWORD)}@127.0.0.1:{port}/0?ssl_cert_reqs=required&ssl_ca_certs={quote(str(ca))}"
    deadline = time.monotonic() + 20
    while True:
        try:
            redis.Redis.from_url(url).ping()
            break
        except redis.ConnectionError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                pytest.fail("redis-server with TLS did not start: " + process.stderr.read().decode(errors="replace"))
            time.sleep(0.1)
    yield url, port
    process.terminate()
    process.wait(timeout=20)


def test_the_shared_cache_works_over_tls_with_the_password(tls_redis):
    url, _ = tls_redis
    cache = ReusingRedisCache(url, {"KEY_PREFIX": f"irportal-test-{uuid.uuid4().hex}"})
    cache.set("public:generation", "a1b2")
    assert cache.get("public:generation") == "a1b2"
    assert cache.add("lock", 1, 10) is True and cache.add("lock", 1, 10) is False


def test_the_broker_carries_tasks_over_tls_with_the_password(tls_redis):
    url, _ = tls_redis
    with Connection(url, connect_timeout=5) as connection:
        queue = connection.SimpleQueue(f"irportal-test-{uuid.uuid4().hex}")
        queue.put({"task": "investors.tasks.warm_public_pages"})
        assert queue.get(timeout=5).payload == {"task": "investors.tasks.warm_public_pages"}
        queue.close()


def test_without_the_password_or_without_tls_redis_answers_nothing(tls_redis):
    url, port = tls_redis
    without_password = url.replace(f":{quote(PASSWORD)}@", "")
    with pytest.raises(redis.AuthenticationError):
        redis.Redis.from_url(without_password).set("planted", "x")
    with pytest.raises(redis.AuthenticationError):
        redis.Redis.from_url(url.replace(quote(PASSWORD), "a-guessed-password")).get("anything")
    with pytest.raises(redis.ConnectionError):
        redis.Redis(host="127.0.0.1", port=port, password=PASSWORD, socket_timeout=2).ping()  # plain TCP
    assert redis.Redis.from_url(url).ping()
