"""The documentation says what the code does: every setting documented, every documented command real."""

import ast
import re
from pathlib import Path

import pytest
from django.core.management import get_commands

ROOT = Path(__file__).resolve().parents[2]
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]
CONFIGURATION = ROOT / "docs" / "operators" / "configuration.md"
READERS = {"envstr", "envbool", "envint", "envlist", "envtimezone", "email_settings"}


def settings_read() -> set[str]:
    """Every variable settings.py reads through the irportal.env helpers."""
    tree = ast.parse((ROOT / "irportal" / "settings.py").read_text())
    return {
        node.args[0].value
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id in READERS
        and node.args
        and isinstance(node.args[0], ast.Constant)
    }


def code_in(path: Path) -> str:
    """The inline code spans and fenced blocks of a Markdown file: where commands are written."""
    text = path.read_text()
    fenced = re.findall(r"^```[^\n]*\n(.*?)^```", text, re.M | re.S)
    outside = re.sub(r"^```[^\n]*\n.*?^```", "", text, flags=re.M | re.S)
    return "\n".join(fenced + re.findall(r"`([^`\n]+)`", outside))


def documented(pattern: str) -> set[tuple[str, str]]:
    return {
        (path.relative_to(ROOT).as_posix(), name) for path in DOCS for name in re.findall(pattern, code_in(path), re.M)
    }


def make_targets() -> set[str]:
    return set(re.findall(r"^([a-z][\w-]*):", (ROOT / "Makefile").read_text(), re.M))


def test_settings_read_are_found_by_the_check():
    assert {"SECRET_KEY", "DATABASE_URL", "EMAIL_URL", "LOG_FORMAT", "METRICS_TOKEN"} <= settings_read()


def test_every_setting_read_in_settings_is_on_the_configuration_page():
    page = CONFIGURATION.read_text()
    missing = sorted(name for name in settings_read() if f"`{name}`" not in page)
    assert missing == [], f"not documented in {CONFIGURATION.relative_to(ROOT)}: {missing}"


def test_every_documented_make_target_exists():
    found = documented(r"(?:^|[\s;(]|&&)make ([a-z][\w-]*)")
    assert {name for _, name in found} >= {"run", "test", "bench"}
    missing = sorted((where, name) for where, name in found if name not in make_targets())
    assert missing == []


@pytest.mark.django_db
def test_every_documented_management_command_exists():
    found = documented(r"manage\.py ([a-z][a-z_]*)")
    assert {name for _, name in found} >= {"backup", "restore", "verify_audit", "seed_demo", "sweep"}
    commands = get_commands()
    missing = sorted((where, name) for where, name in found if name not in commands)
    assert missing == []


def test_every_relative_link_points_at_a_file():
    broken = [
        (path.relative_to(ROOT).as_posix(), target)
        for path in DOCS
        for target in re.findall(r"\]\(([^)#:]+)(?:#[^)]*)?\)", path.read_text())
        if not (path.parent / target).exists()
    ]
    assert broken == []
