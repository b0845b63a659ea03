"""Backup and restore: the database, the media files and the files apps register, with a manifest of hashes.

A backup directory holds::

    manifest.json              format, when, the database engine, and size and SHA-256 of every other file
    database.dump              PostgreSQL: pg_dump's custom format (one consistent snapshot)
    database.sqlite3           SQLite: a copy made with SQLite's online backup API
    media/...                  MEDIA_ROOT as it was
    files/<name>               each registered file (the audit checkpoint file), if it existed

Order matters for consistency. Registered files are copied first: the audit
checkpoints then name no entry newer than the dump. The dump is one snapshot.
Media files are copied after it, so every file a dumped row names is there
(uploads are never changed in place; a file newer than the dump is harmless).

``restore`` checks the whole manifest before it touches anything, refuses a
database that already has tables unless told to replace them, and restores in
one transaction (PostgreSQL) or one copy (SQLite). A registered file that
already exists where it belongs is kept (the checkpoint file is append-only
evidence, never overwritten); the backup's copy stays in the backup. Apps
register what to do once the data is back (``register_after_restore``): the
audit log records the restore and verifies its chain.
"""

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.utils import timezone

MANIFEST = "manifest.json"
FORMAT = 1
DUMP = {"postgresql": "database.dump", "sqlite": "database.sqlite3"}

_FILES: dict[str, Callable[[], Path]] = {}
_AFTER_RESTORE: list[Callable[["Restored"], list[str]]] = []


class BackupError(Exception):
    """A backup or restore that cannot go on; nothing was changed. The message says why."""


def register_file(name: str, path: Callable[[], Path]) -> None:
    """A file outside the database and media that belongs in every backup (``path()`` is read at backup time)."""
    _FILES[name] = path


@dataclass(frozen=True)
class Restored:
    manifest: dict
    manifest_sha256: str
    kept_files: list[str]


def register_after_restore(action: Callable[[Restored], list[str]]) -> None:
    """Run once the data is back; returns lines for the operator. An exception marks the restore as failed."""
    _AFTER_RESTORE.append(action)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _postgres_env() -> dict[str, str]:
    """libpq's variables for the configured database: no password on a command line."""
    db = connection.settings_dict
    env = {**os.environ, "PGDATABASE": db["NAME"], "PGHOST": db["HOST"] or "", "PGPORT": str(db["PORT"] or "")}
    if db["USER"]:
        env["PGUSER"] = db["USER"]
    if db["PASSWORD"]:
        env["PGPASSWORD"] = db["PASSWORD"]
    return env


def _run(command: list[str]) -> None:
    result = subprocess.run(command, env=_postgres_env(), capture_output=True, text=True, check=False)  # noqa: S603
    if result.returncode != 0:
        raise BackupError(f"{command[0]} failed: {result.stderr.strip()}")


def _dump_database(destination: Path) -> None:
    if connection.vendor == "postgresql":
        _run(["pg_dump", "--format=custom", "--no-owner", "--no-privileges", f"--file={destination}"])
    else:
        connection.ensure_connection()
        target = sqlite3.connect(destination)
        try:
            connection.connection.backup(target)
        finally:
            target.close()


def _copy_tree(source: Path, destination: Path) -> None:
    if source.is_dir():
        shutil.copytree(source, destination, dirs_exist_ok=True)


def create_backup(target: Path) -> tuple[dict, str]:
    """Write a backup into ``target`` (new or empty); returns the manifest and the manifest's own SHA-256."""
    if target.exists() and any(target.iterdir()):
        raise BackupError(f"{target} is not empty: back up into a new directory")
    target.mkdir(parents=True, exist_ok=True)
    registered = {}
    for name, path in sorted(_FILES.items()):
        source = path()
        if source.exists():
            (target / "files").mkdir(exist_ok=True)
            shutil.copy2(source, target / "files" / name)
            registered[name] = f"files/{name}"
        else:
            registered[name] = None
    engine = connection.vendor if connection.vendor == "postgresql" else "sqlite"
    _dump_database(target / DUMP[engine])
    _copy_tree(Path(settings.MEDIA_ROOT), target / "media")
    manifest = {
        "format": FORMAT,
        "created_at": timezone.now().isoformat(),
        "database": {"engine": engine, "file": DUMP[engine]},
        "registered_files": registered,
        "files": {
            path.relative_to(target).as_posix(): {"size": path.stat().st_size, "sha256": _sha256(path)}
            for path in sorted(target.rglob("*"))
            if path.is_file()
        },
    }
    text = json.dumps(manifest, indent=2, sort_keys=True) + "\n"
    (target / MANIFEST).write_text(text)
    return manifest, hashlib.sha256(text.encode()).hexdigest()


def verify_backup(source: Path) -> tuple[dict, str]:
    """The manifest, once every file it lists is there with its size and hash and nothing else is."""
    manifest_path = source / MANIFEST
    if not manifest_path.is_file():
        raise BackupError(f"{source} has no {MANIFEST}: not a backup")
    text = manifest_path.read_text()
    try:
        manifest = json.loads(text)
        listed = manifest["files"]
        engine = manifest["database"]["engine"]
    except (ValueError, KeyError, TypeError):
        raise BackupError(f"{manifest_path} is not a backup manifest") from None
    if manifest.get("format") != FORMAT:
        raise BackupError(f"{manifest_path}: format {manifest.get('format')!r}; this version reads {FORMAT}")
    problems = []
    for name, expected in sorted(listed.items()):
        path = source / name
        if not path.is_file():
            problems.append(f"{name} is missing")
        elif path.stat().st_size != expected["size"] or _sha256(path) != expected["sha256"]:
            problems.append(f"{name} does not match its SHA-256 in the manifest")
    present = {path.relative_to(source).as_posix() for path in source.rglob("*") if path.is_file()}
    problems += [f"{name} is not in the manifest" for name in sorted(present - set(listed) - {MANIFEST})]
    if manifest["database"].get("file") not in listed:
        problems.append("the manifest lists no database dump")
    if problems:
        raise BackupError(f"{source} fails its manifest: " + "; ".join(problems))
    if engine != ("postgresql" if connection.vendor == "postgresql" else "sqlite"):
        raise BackupError(f"the backup is of a {engine} database; DATABASE_URL names a {connection.vendor} one")
    return manifest, hashlib.sha256(text.encode()).hexdigest()


def _existing_tables() -> list[str]:
    return connection.introspection.table_names()


def _media_conflicts(source: Path) -> list[str]:
    media, conflicts = Path(settings.MEDIA_ROOT), []
    for path in sorted((source / "media").rglob("*")) if (source / "media").is_dir() else []:
        existing = media / path.relative_to(source / "media")
        if path.is_file() and existing.exists() and _sha256(existing) != _sha256(path):
            conflicts.append(existing.as_posix())
    return conflicts


def _drop_tables(tables: list[str]) -> None:
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"DROP TABLE IF EXISTS {connection.ops.quote_name(table)} CASCADE")


def _restore_database(source: Path, manifest: dict, *, replace: bool) -> None:
    dump = source / manifest["database"]["file"]
    if manifest["database"]["engine"] == "postgresql":
        if replace:
            _drop_tables(_existing_tables())
        connection.close()
        options = ["--exit-on-error", "--single-transaction", "--no-owner", "--no-privileges"]
        _run(
            [
                "pg_restore",
                *options,
                *(["--clean", "--if-exists"] if replace else []),
                f"--dbname={_dbname()}",
                str(dump),
            ]
        )
    else:
        connection.close()
        backup = sqlite3.connect(dump)
        target = sqlite3.connect(connection.settings_dict["NAME"])
        try:
            backup.backup(target)
        finally:
            backup.close()
            target.close()
    connection.close()


def _dbname() -> str:
    return connection.settings_dict["NAME"]


def restore_backup(source: Path, *, replace: bool = False) -> list[str]:
    """Restore ``source`` into the configured (empty) database and MEDIA_ROOT; returns lines for the operator."""
    manifest, manifest_sha256 = verify_backup(source)
    tables = _existing_tables()
    if tables and not replace:
        raise BackupError(
            f"the database {_dbname()} already has {len(tables)} tables: restore into a new, empty database "
            "(createdb), or pass --replace to drop what is there first"
        )
    conflicts = _media_conflicts(source)
    if conflicts and not replace:
        raise BackupError(f"MEDIA_ROOT has other files under the backup's names: {', '.join(conflicts[:5])}")

    _restore_database(source, manifest, replace=replace)
    _copy_tree(source / "media", Path(settings.MEDIA_ROOT))
    lines, kept = [f"database {_dbname()} restored from {source} (backup of {manifest['created_at']})"], []
    for name, relative in sorted(manifest.get("registered_files", {}).items()):
        destination = _FILES[name]() if name in _FILES else None
        if relative is None or destination is None:
            continue
        if destination.exists():
            kept.append(name)
            lines.append(f"kept the existing {destination} (the backup's copy is {source / relative})")
        else:
            destination.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source / relative, destination)
            lines.append(f"{destination} restored from the backup")
    restored = Restored(manifest=manifest, manifest_sha256=manifest_sha256, kept_files=kept)
    for action in _AFTER_RESTORE:
        lines += action(restored)
    return lines
