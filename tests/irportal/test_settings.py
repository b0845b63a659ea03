import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

PRODUCTION = {
    "DEBUG": "false",
    "SECRET_KEY": "n3v3r-us3d-0utside-this-test-8f2b9c1d4e5a6b7c8d9e0f1a2b3c4d5e6f7",
    "ALLOWED_HOSTS": "ir.example.com",
}


def run_manage(*args, **env):
    base = {key: value for key, value in os.environ.items() if key in {"PATH", "HOME", "DATABASE_URL", "LANG"}}
    base["IRPORTAL_VAR_DIR"] = os.environ["IRPORTAL_VAR_DIR"]
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=base | env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_reports_no_issues_under_production_settings():
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_no_migrations_are_missing():
    result = run_manage("makemigrations", "--check", "--dry-run", **PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("DEBUG", "maybe"),
        ("SECURE_HSTS_SECONDS", "a year"),
        ("REDIS_URL", "localhost:6379"),
        ("DATABASE_URL", "mysql-ish://nowhere"),
        ("TIME_ZONE", "Mars/Olympus_Mons"),
        ("EMAIL_URL", "pigeon://coop"),
        ("AUDIT_CHECKPOINT_INTERVAL", "1"),
        ("PUBLIC_CACHE_STALE_SECONDS", "-1"),
        ("PUBLIC_CACHE_LOG_RENDERS", "sometimes"),
        ("TRUSTED_PROXIES", "127.0.0.1,nginx.internal"),
        ("AUDIT_TRUST_X_FORWARDED_FOR", "true"),
    ],
)
def test_malformed_environment_stops_start_up_naming_the_variable(name, value):
    result = run_manage("check", **(PRODUCTION | {name: value}))
    assert result.returncode != 0
    assert name in result.stderr


def test_missing_secret_key_with_debug_off_stops_start_up():
    result = run_manage("check", DEBUG="false", ALLOWED_HOSTS="ir.example.com")
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def example_environment() -> dict[str, str]:
    """deploy/irportal.env.example as systemd reads it."""
    lines = (ROOT / "deploy" / "irportal.env.example").read_text().splitlines()
    return dict(line.split("=", 1) for line in lines if line.strip() and not line.startswith("#"))


@pytest.mark.parametrize("name", ["SECRET_KEY", "DATABASE_URL", "REDIS_URL", "EMAIL_URL", "METRICS_TOKEN"])
def test_a_placeholder_secret_from_the_example_environment_stops_start_up(name):
    value = example_environment()[name]
    result = run_manage("check", **(PRODUCTION | {name: value}))
    assert result.returncode != 0
    assert name in result.stderr
    assert "placeholder" in result.stderr
    assert value not in result.stderr  # the message names the variable, not what it holds


def test_the_example_environment_as_copied_does_not_start():
    result = run_manage("check", **example_environment())
    assert result.returncode != 0
    assert "placeholder" in result.stderr


def _cookie_settings(**env) -> list[str]:
    code = (
        "from django.conf import settings as s; print(s.SESSION_COOKIE_NAME, s.CSRF_COOKIE_NAME, s.SESSION_COOKIE_PATH)"
    )
    result = run_manage("shell", "-c", code, **(PRODUCTION | env))
    assert result.returncode == 0, result.stderr
    return result.stdout.strip().splitlines()[-1].split()


def test_secure_cookies_are_named_for_this_host_only_and_plain_http_keeps_plain_names():
    """__Host- cookies: only over HTTPS, for this host alone and the whole site; browsers refuse them over HTTP."""
    assert _cookie_settings() == ["__Host-sessionid", "__Host-csrftoken", "/"]
    plain = _cookie_settings(SESSION_COOKIE_SECURE="false", CSRF_COOKIE_SECURE="false")
    assert plain == ["sessionid", "csrftoken", "/"]


def test_the_console_language_cookie_is_for_this_host_only_and_out_of_scripts_reach_like_the_session():
    code = (
        "from django.conf import settings as s; print(s.LANGUAGE_COOKIE_NAME, s.LANGUAGE_COOKIE_SECURE, "
        "s.LANGUAGE_COOKIE_HTTPONLY, s.LANGUAGE_COOKIE_SAMESITE, s.LANGUAGE_COOKIE_PATH, s.LANGUAGE_COOKIE_DOMAIN)"
    )
    secure = run_manage("shell", "-c", code, **PRODUCTION)
    assert secure.stdout.split()[-6:] == ["__Host-language", "True", "True", "Lax", "/", "None"], secure.stderr
    plain = run_manage("shell", "-c", code, **(PRODUCTION | {"SESSION_COOKIE_SECURE": "false"}))
    assert plain.stdout.split()[-6:] == ["language", "False", "True", "Lax", "/", "None"], plain.stderr


@pytest.mark.parametrize("value", ["ir-staff.example.com", "ftp://ir-staff.example.com", "https://ir.example.com"])
def test_a_staff_address_that_is_not_another_hosts_stops_start_up(value):
    result = run_manage("check", **(PRODUCTION | {"SITE_URL": "https://ir.example.com", "STAFF_SITE_URL": value}))
    assert result.returncode != 0
    assert "STAFF_SITE_URL" in result.stderr
