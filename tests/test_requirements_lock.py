"""requirements.lock pins every package `make install` installs, and the suite runs on exactly those versions."""

import re
import tomllib
from importlib import metadata
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[1]
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;]+)$", re.M)


def pins() -> dict[str, str]:
    return {canonicalize_name(name): version for name, version in PIN.findall((ROOT / "requirements.lock").read_text())}


def declared() -> list[Requirement]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    return [Requirement(text) for text in [*project["dependencies"], *project["optional-dependencies"]["dev"]]]


def test_every_declared_dependency_is_pinned_within_its_range():
    locked = pins()
    unpinned = [str(requirement) for requirement in declared() if canonicalize_name(requirement.name) not in locked]
    assert unpinned == [], "add them to requirements.lock: make lock"
    outside = [
        f"{requirement} (locked {locked[canonicalize_name(requirement.name)]})"
        for requirement in declared()
        if locked[canonicalize_name(requirement.name)] not in requirement.specifier
    ]
    assert outside == [], "requirements.lock is older than pyproject.toml: make lock"


def test_the_installed_packages_are_the_locked_versions():
    different = {
        name: (version, installed)
        for name, version in pins().items()
        if (installed := metadata.version(name)) != version
    }
    assert different == {}, "the virtualenv differs from requirements.lock: make install"


def test_the_lock_names_no_other_source_than_the_default_index():
    text = (ROOT / "requirements.lock").read_text()
    assert not re.search(r"^\s*(-i|--index-url|--extra-index-url|-f|--find-links|-e|--editable)\b", text, re.M)
    assert "git+" not in text and "file:" not in text
    assert len(pins()) > len(declared())  # what the declared packages pull in is pinned too
