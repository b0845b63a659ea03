"""`make run` says where the site is: the address gunicorn binds (WEB_BIND), not a fixed port."""

import os
import shutil
import subprocess

import pytest
from django.conf import settings

pytestmark = pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")


def make(*args: str, **env: str) -> str:
    environment = {key: value for key, value in os.environ.items() if key not in {"WEB_BIND", "SITE_URL"}}
    result = subprocess.run(
        ["make", "--no-print-directory", *args],
        cwd=settings.BASE_DIR,
        env=environment | env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return result.stdout


def announced(**env: str) -> str:
    """The line `make run` prints before starting the processes (``-n``: printed, not run)."""
    return next(line for line in make("-n", "run", **env).splitlines() if "IR Portal on" in line)


def test_make_run_names_the_address_it_binds():
    assert "http://127.0.0.1:8000/investors/" in announced()
    assert "http://127.0.0.1:9000/investors/" in announced(WEB_BIND="127.0.0.1:9000")
    assert "http://127.0.0.1:8123/staff/" in announced(WEB_BIND="0.0.0.0:8123")  # a wildcard bind, visited locally


def test_the_processes_get_the_same_bind_and_links_in_mail_point_there():
    shown = make("-s", "--eval", 'print-bind: ; @echo "$$WEB_BIND"', "print-bind", WEB_BIND="127.0.0.1:9000")
    assert shown.strip() == "127.0.0.1:9000"
    assert 'SITE_URL="${SITE_URL:-http://127.0.0.1:9000}"' in make("-n", "run", WEB_BIND="127.0.0.1:9000")
