"""Backup and restore: the manifest is checked before anything is touched, and the restore drill on PostgreSQL."""

import json
import os
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest
from django.db import connection

from irportal.ops.backup import BackupError, create_backup, restore_backup, verify_backup
from tests.conftest import is_postgres

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def backup_dir(transactional_db, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    (settings.MEDIA_ROOT / "releases").mkdir(parents=True)
    (settings.MEDIA_ROOT / "releases" / "chart.png").write_bytes(b"\x89PNG image bytes")
    settings.AUDIT_CHECKPOINT_FILE.write_text(
        '{"at": "2026-12-08T14:00:00.000000Z", "sequence": 1, "entry_hash": "ab"}\n'
    )
    create_backup(tmp_path / "backup")
    return tmp_path / "backup"


def test_a_backup_lists_every_file_with_its_hash(backup_dir):
    manifest = json.loads((backup_dir / "manifest.json").read_text())
    dump = "database.dump" if is_postgres() else "database.sqlite3"
    assert set(manifest["files"]) == {dump, "media/releases/chart.png", "files/audit-checkpoints.log"}
    assert manifest["registered_files"] == {"audit-checkpoints.log": "files/audit-checkpoints.log"}
    assert verify_backup(backup_dir)[0] == manifest


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        (lambda b: (b / "media" / "releases" / "chart.png").write_bytes(b"other"), "does not match its SHA-256"),
        (lambda b: (b / "files" / "audit-checkpoints.log").unlink(), "files/audit-checkpoints.log is missing"),
        (lambda b: (b / "media" / "extra.txt").write_text("x"), "media/extra.txt is not in the manifest"),
    ],
)
def test_a_backup_that_fails_its_manifest_is_refused_before_anything_is_touched(backup_dir, change, problem):
    change(backup_dir)
    with pytest.raises(BackupError, match=problem):
        restore_backup(backup_dir)


def test_a_database_with_tables_is_refused(backup_dir):
    with pytest.raises(BackupError, match=r"already has .* tables: restore into a new, empty database"):
        restore_backup(backup_dir)


def test_backing_up_into_a_directory_with_files_is_refused(backup_dir):
    with pytest.raises(BackupError, match="is not empty"):
        create_backup(backup_dir)


# -- the restore drill ---------------------------------------------------------------------------


class Drill:
    """manage.py as an operator runs it, on a database of the drill's own: the test database's name + ``_drill``."""

    def __init__(self, tmp_path: Path):
        db = connection.settings_dict
        self.name = f"{db['NAME']}_drill"
        self.server = {
            "host": db["HOST"] or "127.0.0.1",
            "port": db["PORT"] or 5432,
            "user": db["USER"],
            "password": db["PASSWORD"] or None,
        }
        credentials = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
        self.env = {
            **os.environ,
            "DATABASE_URL": f"postgres://{credentials}@{self.server['host']}:{self.server['port']}/{self.name}",
            "IRPORTAL_VAR_DIR": str(tmp_path / "var"),
            "AUDIT_CHECKPOINT_FILE": str(tmp_path / "checkpoints" / "audit-checkpoints.log"),
            "MEDIA_ROOT": str(tmp_path / "var" / "media"),
            "LOG_LEVEL": "WARNING",
        }
        self.checkpoints = Path(self.env["AUDIT_CHECKPOINT_FILE"])

    def _server(self):
        return psycopg.connect(dbname="postgres", autocommit=True, **self.server)

    def fresh_database(self) -> None:
        """Destroy the drill database, whatever it holds, and create it again empty."""
        with self._server() as server:
            server.execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')
            server.execute(f'CREATE DATABASE "{self.name}"')

    def drop(self) -> None:
        with self._server() as server:
            server.execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')

    def manage(self, *args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "manage.py", *args], cwd=ROOT, env=self.env, capture_output=True, text=True, timeout=300
        )

    def ok(self, *args: str) -> str:
        result = self.manage(*args)
        assert result.returncode == 0, f"manage.py {' '.join(args)}: {result.stdout}{result.stderr}"
        return result.stdout

    def shell(self, code: str) -> str:
        return self.ok("shell", "--no-imports", "-c", code)

    def counts(self) -> dict[str, int]:
        tables = ("releases_release", "events_event", "auth_user", "audit_auditentry")
        with psycopg.connect(dbname=self.name, **self.server) as db:
            return {table: db.execute(f"SELECT count(*) FROM {table}").fetchone()[0] for table in tables}


CHECKPOINT = "from irportal.audit.checkpoint import write_checkpoint; print(write_checkpoint().sequence)"
MORE_ENTRIES = (
    "from irportal.audit.services import audit_record\n"
    "for _ in range(3): audit_record(action='audit.log_view', object_label='after the backup')"
)


@pytest.fixture
def drill(tmp_path):
    if not is_postgres():
        pytest.skip("the restore drill runs pg_dump and pg_restore: needs DATABASE_URL (PostgreSQL)")
    drill = Drill(tmp_path)
    drill.fresh_database()
    drill.ok("migrate", "--noinput", "--verbosity", "0")
    drill.ok("seed_demo")
    yield drill
    drill.drop()


def test_restore_drill_back_up_destroy_restore_verify(drill, tmp_path):
    checkpointed = int(drill.shell(CHECKPOINT))
    before = drill.counts()
    assert before["releases_release"] > 0 and before["audit_auditentry"] == checkpointed

    drill.ok("backup", str(tmp_path / "backup"))
    drill.fresh_database()
    restored = drill.ok("restore", str(tmp_path / "backup"))
    assert f"audit log restored up to #{checkpointed}; restore recorded; chain intact" in restored
    after = drill.counts()
    assert after == before | {"audit_auditentry": checkpointed + 1}  # + the entry that records the restore
    verified = drill.ok("verify_audit")
    assert "checkpoints: 1 checked" in verified
    assert "audit chain intact" in verified


def test_restoring_an_older_backup_is_reported_until_the_operator_accepts_it(drill, tmp_path):
    drill.shell(CHECKPOINT)
    drill.ok("backup", str(tmp_path / "backup"))
    backed_up = drill.counts()["audit_auditentry"]
    drill.shell(MORE_ENTRIES)
    newest = int(drill.shell(CHECKPOINT))  # the checkpoint file now remembers entries the backup lacks
    assert newest == backed_up + 3

    drill.fresh_database()
    restore = drill.manage("restore", str(tmp_path / "backup"))
    assert restore.returncode == 1
    assert f"recorded entry #{newest}, but the log ends at #{backed_up + 1}" in restore.stderr
    assert f"whose log ended at #{backed_up}" in restore.stderr
    assert "verify_audit --accept-restore" in restore.stderr
    assert drill.manage("verify_audit").returncode == 1

    refused = drill.manage("verify_audit", "--accept-restore")
    assert refused.returncode == 1 and "give the reason" in refused.stderr
    accepted = drill.ok("verify_audit", "--accept-restore", "--reason", "host lost; the nightly backup is the newest")
    assert f"the log restored up to #{backed_up} goes on" in accepted
    assert "superseded: 1 checkpoints" in accepted and "audit chain intact" in accepted

    drill.shell(MORE_ENTRIES)
    drill.shell(CHECKPOINT)
    later = drill.ok("verify_audit")
    assert "checkpoints: 3 checked" in later and "audit chain intact" in later
    with psycopg.connect(dbname=drill.name, **drill.server) as db:
        [data] = db.execute("SELECT data FROM audit_auditentry WHERE action = 'audit.restore_accepted'").fetchone()
    assert data["reason"] == "host lost; the nightly backup is the newest"
    assert data["restored_sequence"] == backed_up
    assert data["lost_entries"] == f"#{backed_up + 1} to #{newest}"
