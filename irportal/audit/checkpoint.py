"""Checkpoints: the chain head written, now and then, to a file outside the database.

Each line is a JSON object ``{"at", "sequence", "entry_hash"}``. The file is
only ever appended to. Someone who deletes the newest audit rows (and fixes up
nothing else) leaves a checkpoint that names an entry the table no longer has;
``verify_audit`` reports it. Operators should ship this file to storage the
database's administrators cannot write (a log host, object storage with
retention lock).
"""

import json
import os
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from irportal.audit.models import AuditEntry, format_timestamp


@dataclass(frozen=True)
class Checkpoint:
    at: str
    sequence: int
    entry_hash: str


class CheckpointFileError(Exception):
    pass


def checkpoint_path() -> Path:
    return Path(settings.AUDIT_CHECKPOINT_FILE)


def read_checkpoints(path: Path | None = None) -> list[Checkpoint]:
    path = path or checkpoint_path()
    if not path.exists():
        return []
    checkpoints = []
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
                checkpoints.append(Checkpoint(str(record["at"]), int(record["sequence"]), str(record["entry_hash"])))
            except (ValueError, KeyError, TypeError):
                raise CheckpointFileError(f"{path}: line {number} is not a checkpoint") from None
    return checkpoints


def write_checkpoint(now: datetime | None = None) -> Checkpoint | None:
    """Append the current chain head; nothing when the log is empty or the head was already recorded."""
    head = AuditEntry.objects.order_by("-sequence").values_list("sequence", "entry_hash").first()
    if head is None:
        return None
    path = checkpoint_path()
    existing = read_checkpoints(path)
    if existing and existing[-1].sequence == head[0] and existing[-1].entry_hash == head[1]:
        return None
    checkpoint = Checkpoint(format_timestamp(now or timezone.now()), head[0], head[1])
    path.parent.mkdir(parents=True, exist_ok=True)
    line = json.dumps({"at": checkpoint.at, "sequence": checkpoint.sequence, "entry_hash": checkpoint.entry_hash})
    descriptor = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o640)
    try:
        os.write(descriptor, (line + "\n").encode("utf-8"))
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
    return checkpoint


def last_checkpoint(path: Path | None = None) -> Checkpoint | None:
    """The newest checkpoint, read from the end of the file (it grows for years; the head is all a page needs)."""
    path = path or checkpoint_path()
    if not path.exists():
        return None
    with path.open("rb") as handle:
        handle.seek(0, os.SEEK_END)
        size = handle.tell()
        handle.seek(max(0, size - 4096))
        tail = handle.read().decode("utf-8", errors="replace")
    for line in reversed(tail.splitlines()):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
            return Checkpoint(str(record["at"]), int(record["sequence"]), str(record["entry_hash"]))
        except (ValueError, KeyError, TypeError):
            raise CheckpointFileError(f"{path}: the last line is not a checkpoint") from None
    return None
