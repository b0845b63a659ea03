"""The app as separate processes: gunicorn on a free port and ``manage.py`` commands, sharing one environment.

For the tests that need what one test process cannot show: several web
processes sharing a cache, or a database that goes away under a running site.
"""

import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from tests.conftest import _free_port

ROOT = Path(__file__).resolve().parents[2]

# A company, an author and an approver, and one release taken through the workflow to publication.
SETUP = """
from irportal.accounts.roles import IR_ADMIN, IR_APPROVER, IR_AUTHOR
from releases.checks import CODES
from releases.workflow import release_approve, release_publish, release_submit
from tests.factories import UserFactory, make_company, make_release

make_company()
author = UserFactory(username="author", roles=[IR_AUTHOR])
approver = UserFactory(username="approver", roles=[IR_APPROVER])
UserFactory(username="admin", roles=[IR_ADMIN])
release = make_release(author, slug="{slug}", headline="{headline}")
release_submit(release_id=release.pk, actor=author)
release_approve(acknowledged=CODES, release_id=release.pk, actor=approver)
release_publish(release_id=release.pk, actor=approver)
"""


def app_environment(var_dir: Path, **settings: str) -> dict[str, str]:
    """The test run's settings (tests/testenv.py) on the embedded default: SQLite and files under ``var_dir``.

    ``settings`` override them, e.g. ``DATABASE_URL`` for PostgreSQL.
    """
    shared = {name: value for name, value in os.environ.items() if name not in {"DATABASE_URL", "REDIS_URL"}}
    return shared | {"IRPORTAL_VAR_DIR": str(var_dir), "LOG_LEVEL": "WARNING", **settings}


def manage(env: dict[str, str], *args: str) -> str:
    result = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=180
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def shell(env: dict[str, str], code: str) -> str:
    """Python run by ``manage.py shell`` in a process of its own, as a staff action in another web process."""
    return manage(env, "shell", "--no-imports", "-c", code)


@dataclass
class Answer:
    status: int
    headers: dict
    text: str


def rename_company(env: dict[str, str], legal_name: str) -> None:
    """The IR Admin changes the company's name (the public pages show it in their header)."""
    shell(
        env,
        "from django.contrib.auth import get_user_model\n"
        "from company.services import company_profile_update\n"
        "company_profile_update(actor=get_user_model().objects.get(username='admin'),"
        f" legal_name={legal_name!r})\n",
    )


def get(url: str) -> Answer:
    try:
        with urllib.request.urlopen(url, timeout=30) as response:  # noqa: S310 - loopback
            return Answer(response.status, dict(response.headers), response.read().decode())
    except urllib.error.HTTPError as error:
        return Answer(error.code, dict(error.headers), error.read().decode())


@contextmanager
def gunicorn(env: dict[str, str], log: Path, *, workers: int = 1):
    """A gunicorn web process on a free port; yields its base URL."""
    port = _free_port()
    with log.open("a") as output:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "irportal.wsgi",
                "--workers",
                str(workers),
                "--bind",
                f"127.0.0.1:{port}",
            ],
            cwd=ROOT,
            env=env,
            stdout=output,
            stderr=output,
        )
    base_url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while get_or_none(f"{base_url}/healthz") is None:
            assert process.poll() is None and time.monotonic() < deadline, log.read_text()
            time.sleep(0.1)
        yield base_url
    finally:
        process.terminate()
        process.wait(timeout=30)


def get_or_none(url: str) -> Answer | None:
    try:
        return get(url)
    except OSError:
        return None
