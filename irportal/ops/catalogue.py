"""The French catalogue of the interface: ``locale/fr/LC_MESSAGES/django.po`` and its compiled ``django.mo``.

``update`` is ``make messages``: Django's makemessages for French over the
project, with ``MAKEMESSAGES`` below, then the ``.mo`` compiled with polib,
which writes the same bytes for the same ``.po`` on every machine (entries in
msgid order, nothing of its own such as a date), so the committed ``.mo``
changes only with its ``.po``.

``problems`` is ``make check-messages`` (in ``make lint``): it extracts the
messages again exactly as ``update`` does, but into a copy of the project's
sources in a temporary directory, and lists each message missing from the
committed catalogue, untranslated or fuzzy, each message of the catalogue the
sources no longer mark (a call the extraction cannot see, such as ``gettext``
inside an f-string's braces, would otherwise drop its translation at the next
``make messages``), a translation whose placeholders differ from its msgid's
(``msgfmt --check-format``), and a committed ``.mo`` that is not the
compilation of the committed ``.po``.
"""

import os
import shutil
import subprocess
import tempfile
from contextlib import contextmanager
from fnmatch import fnmatchcase
from pathlib import Path

import polib
from django.core.management import call_command

LANGUAGE = "fr"
CATALOGUE = Path("locale") / LANGUAGE / "LC_MESSAGES"
# What makemessages reads: templates, mail templates, Python.
EXTENSIONS = {".html", ".txt", ".py"}
# makemessages's own default ignores, then the project's: virtualenvs, runtime files, tests, vendored libraries.
DEFAULT_IGNORES = ["CVS", ".*", "*~", "*.pyc"]
IGNORES = [".venv", "var", "tests", "node_modules", "static/vendor", "bench", "*.egg-info"]
MAKEMESSAGES = {
    "locale": [LANGUAGE],
    "ignore_patterns": IGNORES,
    # File names without line numbers: the catalogue changes when a message does, not when code moves.
    "add_location": "file",
    "no_obsolete": True,
    "verbosity": 0,
}


@contextmanager
def _inside(directory: Path):
    """makemessages reads the current directory."""
    previous = Path.cwd()
    os.chdir(directory)
    try:
        yield
    finally:
        os.chdir(previous)


def update(root: Path) -> Path:
    """Bring the catalogue under ``root`` up to date with the project's messages and compile it."""
    (root / CATALOGUE).mkdir(parents=True, exist_ok=True)
    with _inside(root):
        call_command("makemessages", **MAKEMESSAGES)
    po = root / CATALOGUE / "django.po"
    polib.pofile(str(po)).save_as_mofile(str(po.with_suffix(".mo")))
    return po


def _ignored(path: str) -> bool:
    """makemessages's rule: a pattern matches the name or the path from the project's root."""
    name = Path(path).name
    return any(fnmatchcase(name, pattern) or fnmatchcase(path, pattern) for pattern in IGNORES + DEFAULT_IGNORES)


def _copy_sources(root: Path, into: Path) -> None:
    """The files makemessages reads under ``root``, at the same paths under ``into``, with an empty catalogue."""

    def skipped(directory: str, names: list[str]) -> set[str]:
        relative = Path(directory).relative_to(root)
        skip = set()
        for name in names:
            path = os.path.normpath(relative / name)
            is_directory = (Path(directory) / name).is_dir()
            if _ignored(path) or path == "locale" or (not is_directory and Path(name).suffix not in EXTENSIONS):
                skip.add(name)
        return skip

    shutil.copytree(root, into, ignore=skipped, symlinks=True)
    (into / CATALOGUE).mkdir(parents=True)


def _label(entry: polib.POEntry) -> str:
    return f'"{entry.msgid}"' + (f' (context "{entry.msgctxt}")' if entry.msgctxt else "")


def extracted(root: Path) -> list[polib.POEntry]:
    """Every message of the project under ``root``, as ``update`` would extract it."""
    with tempfile.TemporaryDirectory(prefix="catalogue-") as temporary:
        copy = Path(temporary) / "project"
        _copy_sources(root, copy)
        with _inside(copy):
            call_command("makemessages", **MAKEMESSAGES)
        po = copy / CATALOGUE / "django.po"
        return list(polib.pofile(str(po))) if po.exists() else []


def problems(root: Path) -> list[str]:
    """What is wrong with the committed catalogue under ``root``, one line each; none when it is complete."""
    po, mo = root / CATALOGUE / "django.po", root / CATALOGUE / "django.mo"
    if not po.exists():
        return [f"{po.relative_to(root)} is missing: run make messages"]
    committed = polib.pofile(str(po))
    translations = {(entry.msgctxt, entry.msgid): entry for entry in committed if not entry.obsolete}
    found = []
    marked = extracted(root)
    for entry in marked:
        translation = translations.get((entry.msgctxt, entry.msgid))
        if translation is None or translation.msgid_plural != entry.msgid_plural:
            found.append(f"missing: {_label(entry)}")
        elif translation.fuzzy:
            found.append(f"fuzzy: {_label(entry)}")
        elif not translation.translated():
            found.append(f"untranslated: {_label(entry)}")
    still_marked = {(entry.msgctxt, entry.msgid) for entry in marked}
    found.extend(
        f"no longer marked in the sources: {_label(entry)}"
        for key, entry in translations.items()
        if key not in still_marked
    )
    checked = subprocess.run(  # noqa: S603 - GNU gettext's msgfmt, which makemessages needs too, on our own file
        ["msgfmt", "--check-format", "--output-file", os.devnull, str(po)],  # noqa: S607
        capture_output=True,
        text=True,
        check=False,
    )
    if checked.returncode:
        found.extend(f"placeholders: {line}" for line in checked.stderr.splitlines() if line.strip())
    if not mo.exists() or mo.read_bytes() != committed.to_binary():
        found.append(f"{mo.relative_to(root)} is not the compilation of {po.name}: run make messages")
    return found
