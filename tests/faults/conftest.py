"""The fault suite's stack: private PostgreSQL, Redis and SMTP servers, real Celery workers, and beat's tasks.

The test's own Django connection and Celery producer are pointed at the
private servers for the length of a test, so the test makes changes and
reads the results with the ORM while workers in other processes share the
same database and broker. Beat's tasks are called as beat calls them, at
moments the test chooses (``Stack.beat``), so a recovery that takes minutes
of beat's clock takes seconds of the test's.
"""

import datetime as dt
import os
import shutil
import subprocess
import sys
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import time_machine
from django.contrib.contenttypes.models import ContentType
from django.db import connection

from irportal.celery import app
from tests.conftest import use_broker, wait_for
from tests.faults.stack import ROOT, PostgresCluster, RedisServer, SMTPServer, Worker, postgres_binaries

TEMPLATE = "irportal_faults_template"
BEAT_PERIOD = dt.timedelta(seconds=30)
RECOVERY_LIMIT = dt.timedelta(minutes=5)


@pytest.fixture(scope="session")
def postgres_cluster():
    binaries = postgres_binaries()
    if binaries is None or shutil.which("redis-server") is None:
        pytest.skip("the fault suite needs PostgreSQL's server binaries (initdb, pg_ctl) and redis-server")
    cluster = PostgresCluster(binaries)
    try:
        cluster.start()
        cluster.execute(f"CREATE DATABASE {TEMPLATE}")
        subprocess.run(
            [sys.executable, "manage.py", "migrate", "--noinput", "--verbosity=0"],
            cwd=ROOT,
            env={**os.environ, "DATABASE_URL": cluster.url(TEMPLATE)},
            check=True,
        )
        yield cluster
    finally:
        cluster.remove()


@dataclass
class Stack:
    cluster: PostgresCluster
    redis: RedisServer
    smtp: SMTPServer
    env: dict
    logs: Path
    workers: list = field(default_factory=list)

    def start_worker(self, **options) -> Worker:
        worker = Worker(self.env, self.logs / f"worker-{len(self.workers)}.log", **options)
        self.workers.append(worker)
        return worker

    def restart_database(self, *, mode: str = "fast", down_for: float = 0) -> None:
        import time

        self.cluster.stop(mode)
        time.sleep(down_for)
        self.cluster.start()
        connection.close()

    def beat(self, moment) -> None:
        """What beat's schedule runs every 30 seconds, as the worker that receives it would run it at ``moment``."""
        from alerts.tasks import resume_stalled
        from irportal.workflow.tasks import outbox_redispatch

        connection.close()
        with time_machine.travel(moment, tick=False):
            outbox_redispatch()
            resume_stalled()

    def recover(self, fault_ended, settled, *, real_seconds_per_tick: float = 8) -> dt.timedelta:
        """Run beat every 30 s of its clock from the end of the fault until ``settled()``; returns how long it took.

        Between two runs the workers have ``real_seconds_per_tick`` to finish what beat handed them.
        """
        moment = fault_ended
        while moment - fault_ended <= RECOVERY_LIMIT:
            self.beat(moment)
            try:
                wait_for(settled, timeout=real_seconds_per_tick, interval=0.2)
            except AssertionError:
                moment += BEAT_PERIOD
                continue
            return moment - fault_ended
        raise AssertionError(f"not recovered within {RECOVERY_LIMIT} of the fault's end:\n{self.worker_logs()}")

    def worker_logs(self) -> str:
        return "\n".join(worker.log.read_text()[-4000:] for worker in self.workers)


@pytest.fixture
def stack(postgres_cluster, tmp_path, django_db_blocker):
    if connection.vendor != "postgresql":
        pytest.skip("the fault suite runs on PostgreSQL: set DATABASE_URL")
    name = f"faults_{uuid.uuid4().hex[:10]}"
    postgres_cluster.execute(f"CREATE DATABASE {name} TEMPLATE {TEMPLATE}")
    redis, smtp = RedisServer(), SMTPServer()
    redis.start()
    smtp.start()
    (tmp_path / "var").mkdir()
    env = {
        **os.environ,
        "DATABASE_URL": postgres_cluster.url(name),
        "REDIS_URL": redis.url,
        "EMAIL_URL": f"smtp://127.0.0.1:{smtp.port}",
        "IRPORTAL_VAR_DIR": str(tmp_path / "var"),
        "AUDIT_CHECKPOINT_FILE": str(tmp_path / "audit-checkpoints.log"),
        "CACHE_KEY_PREFIX": name,
        "PYTHONPATH": str(ROOT),
    }
    saved = dict(connection.settings_dict)
    connection.close()
    connection.settings_dict.update(NAME=name, HOST="127.0.0.1", PORT=postgres_cluster.port, USER="postgres")
    ContentType.objects.clear_cache()
    previous_broker = app.conf.broker_url
    use_broker(app, redis.url)
    result = Stack(postgres_cluster, redis, smtp, env, tmp_path)
    try:
        with django_db_blocker.unblock():
            yield result
    finally:
        for worker in result.workers:
            worker.kill()
        connection.close()
        connection.settings_dict.clear()
        connection.settings_dict.update(saved)
        ContentType.objects.clear_cache()
        use_broker(app, previous_broker)
        smtp.stop()
        redis.kill()
        if not _running(postgres_cluster):
            postgres_cluster.start()
        postgres_cluster.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def _running(cluster) -> bool:
    import psycopg

    try:
        psycopg.connect(cluster.url("postgres"), connect_timeout=2).close()
    except psycopg.OperationalError:
        return False
    return True
