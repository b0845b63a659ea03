"""The apps read in one direction: the import-linter contract in pyproject.toml, run by ``make lint``."""

import shutil
import subprocess
import sys
from pathlib import Path

from django.conf import settings

LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")
PACKAGES = ("irportal", "company", "releases", "events", "alerts", "investors")


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


def test_a_lower_layer_importing_a_higher_one_breaks_the_contract(tmp_path):
    project = copy_of_the_project(tmp_path)
    (project / "company" / "planted.py").write_text("from investors import cache  # noqa: F401\n")
    result = lint_imports(project)
    assert result.returncode != 0
    assert "BROKEN" in result.stdout
    assert "company.planted -> investors.cache" in result.stdout


def test_releases_may_not_use_events(tmp_path):
    project = copy_of_the_project(tmp_path)
    (project / "releases" / "planted.py").write_text("import events.models  # noqa: F401\n")
    result = lint_imports(project)
    assert result.returncode != 0
    assert "releases.planted -> events.models" in result.stdout
