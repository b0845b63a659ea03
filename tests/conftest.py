import shutil
import socket
import subprocess
import threading
import time
from contextlib import contextmanager

import pytest
from django.conf import settings
from django.db import connection
from django.utils import translation

from irportal.accounts.roles import IR_APPROVER, IR_AUTHOR
from irportal.audit import guards
from tests.factories import UserFactory, make_company

# Django's test flush empties every table, the audit log included, which the
# append-only guards refuse. Only the test run lifts them, for the flush alone.
_ops_class = connection.ops.__class__
_original_sql_flush = _ops_class.sql_flush


def _sql_flush_past_audit_guards(self, style, tables, **kwargs):
    statements = _original_sql_flush(self, style, tables, **kwargs)
    if guards.TABLE not in tables or not statements:
        return statements
    return suspend_statements(self.connection.vendor) + statements + resume_statements(self.connection.vendor)


def suspend_statements(vendor: str) -> list[str]:
    if vendor == "postgresql":
        return [f"ALTER TABLE {guards.TABLE} DISABLE TRIGGER USER"]
    return guards.remove_statements(vendor)


def resume_statements(vendor: str) -> list[str]:
    if vendor == "postgresql":
        return [f"ALTER TABLE {guards.TABLE} ENABLE TRIGGER USER"]
    return guards.install_statements(vendor)


_ops_class.sql_flush = _sql_flush_past_audit_guards


@contextmanager
def audit_guards_lifted():
    """What an attacker with table-owner rights does: switch the triggers off for a moment."""
    vendor = connection.vendor
    with connection.cursor() as cursor:
        for statement in suspend_statements(vendor):
            cursor.execute(statement)
        try:
            yield cursor
        finally:
            for statement in resume_statements(vendor):
                cursor.execute(statement)


def is_postgres() -> bool:
    return connection.vendor == "postgresql"


@pytest.fixture(autouse=True)
def _checkpoint_file(tmp_path, settings):
    settings.AUDIT_CHECKPOINT_FILE = tmp_path / "audit-checkpoints.log"


@pytest.fixture(autouse=True)
def _clear_cache():
    from django.core.cache import cache

    cache.clear()
    yield


@pytest.fixture(autouse=True)
def _primary_language():
    """Each test starts in the primary language: a request to a French page leaves French active in its thread
    (Django's LocaleMiddleware activates a request's language and leaves it), which the next test would inherit."""
    yield
    translation.deactivate()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def redis_url():
    """The configured Redis, or a private redis-server on a free port."""
    if settings.REDIS_URL:
        yield settings.REDIS_URL
        return
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.skip("needs Redis: REDIS_URL is not set and redis-server is not installed")
    port = _free_port()
    process = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"redis://127.0.0.1:{port}/0"
    import redis

    deadline = time.monotonic() + 10
    while True:
        try:
            redis.Redis.from_url(url).ping()
            break
        except redis.ConnectionError:
            if time.monotonic() > deadline:
                process.kill()
                raise
            time.sleep(0.05)
    yield url
    process.terminate()
    process.wait(timeout=10)


@pytest.fixture
def celery_worker(redis_url, transactional_db):
    """A real Celery worker (in a thread) consuming from Redis."""
    from celery.contrib.testing.worker import start_worker

    from irportal.celery import app

    previous = app.conf.broker_url
    use_broker(app, redis_url)
    # Tasks queued by earlier tests refer to rows that are gone.
    app.control.purge()
    try:
        with start_worker(app, perform_ping_check=False, pool="solo", shutdown_timeout=30) as worker:
            yield worker
    finally:
        use_broker(app, previous)


@pytest.fixture
def broker_down():
    """The broker unreachable: nothing listens where the producer sends."""
    from irportal.celery import app

    previous = app.conf.broker_url
    use_broker(app, "redis://127.0.0.1:9/0")
    yield
    use_broker(app, previous)


@pytest.fixture
def scripted_smtp(settings):
    """A mail backend that fails on cue (``tests.alerts.backends``): append exceptions, or None to deliver."""
    from tests.alerts import backends

    settings.EMAIL_BACKEND = "tests.alerts.backends.ScriptedBackend"
    backends.script.clear()
    yield backends.script
    backends.script.clear()


def use_broker(app, url: str) -> None:
    """Point the producer at another broker: drop the pooled connections made for the old one."""
    app.conf.broker_url = url
    app._pool = None
    app.amqp._producer_pool = None


def wait_for(predicate, timeout: float = 20.0, interval: float = 0.05):
    """Poll an outside process (a worker, a browser) until ``predicate()`` is truthy."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"condition not met within {timeout} s")
        time.sleep(interval)


@pytest.fixture
def company(db):
    return make_company()


@pytest.fixture
def author(db):
    return UserFactory(roles=[IR_AUTHOR])


@pytest.fixture
def approver(db):
    return UserFactory(roles=[IR_APPROVER])


def in_parallel(*calls):
    """Start every call at the same moment, each in its own thread with its own database connection.

    Returns the results in the order of the calls; an exception in any call fails the test.
    """
    barrier = threading.Barrier(len(calls))
    results, errors = [None] * len(calls), []

    def run(index, call):
        try:
            barrier.wait()
            results[index] = call()
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(index, call)) for index, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == [], errors
    return results
