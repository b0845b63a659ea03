"""The apps read in one direction: the import-linter contract in pyproject.toml, run by ``make lint``."""

import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from django.conf import settings

LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")
# Every package the contract knows, as pyproject.toml lists them.
PACKAGES = tomllib.loads((Path(settings.BASE_DIR) / "pyproject.toml").read_text())["tool"]["importlinter"][
    "root_packages"
]


def copy_of_the_project(destination: Path) -> Path:
    for package in PACKAGES:
        skip = shutil.ignore_patterns("__pycache__")
        shutil.copytree(settings.BASE_DIR / package, destination / package, ignore=skip)
    shutil.copy(settings.BASE_DIR / "pyproject.toml", destination / "pyproject.toml")
    return destination


def lint_imports(project: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-logo", "--no-cache"],
        cwd=project,
        env={"PYTHONPATH": str(project), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_the_project_keeps_the_layers(tmp_path):
    result = lint_imports(copy_of_the_project(tmp_path))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 kept, 0 broken" in result.stdout


@pytest.mark.parametrize(
    ("package", "planted", "chain"),
    [
        ("company", "from investors import cache  # noqa: F401\n", "company.planted -> investors.cache"),
        ("releases", "import events.models  # noqa: F401\n", "releases.planted -> events.models"),
        ("irportal/audit", "from irportal.workflow import engine  # noqa: F401\n", "irportal.audit.planted ->"),
        ("filings", "from releases import models  # noqa: F401\n", "filings.planted -> releases.models"),
    ],
)
def test_an_import_against_the_direction_breaks_the_contract(tmp_path, package, planted, chain):
    project = copy_of_the_project(tmp_path)
    (project / package / "planted.py").write_text(planted)
    result = lint_imports(project)
    assert result.returncode != 0
    assert "BROKEN" in result.stdout
    assert chain in result.stdout
