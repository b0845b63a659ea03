"""While PostgreSQL is down, a public page answers its last copy marked stale, or 503: never a 500.

The test runs its own PostgreSQL cluster (initdb, pg_ctl) on a free port and
stops it under a running gunicorn; the shared server is never touched.
"""

import glob
import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import pytest

from tests.conftest import _free_port
from tests.investors.servers import SETUP, app_environment, get, gunicorn, manage, rename_company, shell

HEADLINE = "Halvorsen Reports Record Third Quarter"
SERVER_BINARIES = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"))


class PrivateCluster:
    """A PostgreSQL cluster of the test's own, run as the postgres user when the test runs as root."""

    def __init__(self, directory: Path, port: int):
        self.directory, self.port = directory, port
        self.bin = Path(SERVER_BINARIES[-1]).parent
        self.as_owner = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []

    def run(self, *command: str) -> None:
        result = subprocess.run([*self.as_owner, *command], capture_output=True, text=True, timeout=120)
        assert result.returncode == 0, result.stdout + result.stderr

    def init(self) -> None:
        if self.as_owner:
            shutil.chown(self.directory, "postgres")
        self.run(str(self.bin / "initdb"), "-D", str(self.data), "-U", "postgres", "-A", "trust", "--no-sync")

    @property
    def data(self) -> Path:
        return self.directory / "data"

    def start(self) -> None:
        options = f"-p {self.port} -k {self.directory} -c listen_addresses=127.0.0.1 -c fsync=off"
        log = str(self.directory / "server.log")
        self.run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-o", options, "-l", log, "-w", "start")

    def stop(self) -> None:
        self.run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "stop")

    @property
    def url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/postgres"


@pytest.fixture
def cluster():
    if not SERVER_BINARIES:
        pytest.skip("needs PostgreSQL's server programs (initdb, pg_ctl) under /usr/lib/postgresql")
    cluster = PrivateCluster(Path(tempfile.mkdtemp(prefix="irportal-pg-")), _free_port())
    cluster.init()
    cluster.start()
    try:
        yield cluster
    finally:
        subprocess.run(
            [*cluster.as_owner, str(cluster.bin / "pg_ctl"), "-D", str(cluster.data), "-m", "immediate", "stop"],
            capture_output=True,
            timeout=60,
        )
        shutil.rmtree(cluster.directory, ignore_errors=True)


WITHDRAW = (
    "from django.contrib.auth import get_user_model\n"
    "from releases.models import Release\n"
    "from releases.workflow import release_withdraw\n"
    "release = Release.objects.get(slug='third-quarter')\n"
    "release_withdraw(release_id=release.pk, actor=get_user_model().objects.get(username='approver'),"
    " reason='Issued in error')\n"
)


def test_public_pages_answer_their_last_copy_or_503_while_postgresql_is_down(cluster, tmp_path):
    # Copies are valid for a second, so the one made before the outage is stale, but of the current generation.
    env = app_environment(tmp_path, DATABASE_URL=cluster.url, PUBLIC_CACHE_SECONDS="1")
    manage(env, "migrate", "--noinput")
    shell(env, SETUP.format(slug="third-quarter", headline=HEADLINE))
    with gunicorn(env, tmp_path / "web.log") as site:
        rename_company(env, "Halvorsen Precision, Inc.")
        before = get(site + "/investors/")
        assert before.status == 200 and "Halvorsen Precision, Inc." in before.text
        time.sleep(1.5)
        cluster.stop()

        stale = get(site + "/investors/")
        assert stale.status == 200
        assert stale.text == before.text
        assert stale.headers["Warning"] == '110 - "Response is Stale"'
        assert int(stale.headers["Age"]) >= 1
        assert stale.headers["Cache-Control"] == "no-store"
        for never_kept in ("/investors/events/", "/investors/news/?q=quarter"):
            unavailable = get(site + never_kept)
            assert unavailable.status == 503, never_kept
            assert unavailable.headers["Retry-After"] == "30"
            assert unavailable.headers["Cache-Control"] == "no-store"

        cluster.start()
        after = get(site + "/investors/")
        assert after.status == 200
        assert "Warning" not in after.headers
        assert "Halvorsen Precision, Inc." in after.text


def test_a_copy_from_before_a_change_is_never_answered_while_postgresql_is_down(cluster, tmp_path):
    """A withdrawal starts a new generation: with the database gone, the old copies are not the answer."""
    env = app_environment(tmp_path, DATABASE_URL=cluster.url)
    manage(env, "migrate", "--noinput")
    shell(env, SETUP.format(slug="third-quarter", headline=HEADLINE))
    pages = ("/investors/news/third-quarter/", "/investors/", "/investors/news/", "/investors/news/feed/")
    with gunicorn(env, tmp_path / "web.log") as site:
        for path in pages:
            assert HEADLINE in get(site + path).text, path
        shell(env, WITHDRAW)
        cluster.stop()
        for path in pages:
            answer = get(site + path)
            assert HEADLINE not in answer.text, path
            assert answer.status in ({410, 503} if path == pages[0] else {503}), (path, answer.status)
