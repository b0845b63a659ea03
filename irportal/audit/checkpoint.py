"""Checkpoints: the chain head written, now and then, to a file outside the database, each line signed.

Each line is the canonical JSON (chain.canonical_json) of
``{"at", "sequence", "entry_hash", "prev", "key", "signature"}``: the chain
head at a moment; ``prev``, the SHA-256 (hex) of every byte of the file
before the line; ``key``, the fingerprint of the Ed25519 key that signed it
(``irportal.audit.signing``); ``signature``, the base64 Ed25519 signature of
the canonical JSON of the other five fields. Because each line commits to
all the bytes before it, the newest line's signature vouches for the whole
file: nobody without the key can change, insert or remove a line before it
(lines of the older, unsigned format before the first signed line are
covered the same way). The file is only ever appended to, and a new line is
signed only over a file that verifies.

Someone who deletes the newest audit rows or rebuilds the chain leaves
checkpoints that name entries the table no longer has, or has with other
hashes; ``verify_audit`` reports it. The key lives on the app's host, not the
database's; keep copies of the file where the database's administrators
cannot write (docs/auditors/hash-chain.md).
"""

import fcntl
import hashlib
import json
import os
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from irportal.audit import chain, signing
from irportal.audit.models import AuditEntry, format_timestamp

SIGNED_FIELDS = ("at", "sequence", "entry_hash", "prev", "key")


@dataclass(frozen=True)
class Checkpoint:
    at: str
    sequence: int
    entry_hash: str


@dataclass(frozen=True)
class CheckpointFile:
    checkpoints: list[Checkpoint]
    digest: str  # SHA-256 of the whole file: the next line's "prev"
    key: str  # the fingerprint that signed the newest line ("" when no line is signed)


class CheckpointFileError(Exception):
    pass


def checkpoint_path() -> Path:
    return Path(settings.AUDIT_CHECKPOINT_FILE)


def _checkpoint(record) -> Checkpoint:
    return Checkpoint(str(record["at"]), int(record["sequence"]), str(record["entry_hash"]))


def parse(data: bytes, *, name: str = "the checkpoint file") -> tuple[CheckpointFile, dict | None]:
    """The checkpoints of a file's bytes, its links checked; also the newest line's record when it is signed."""
    running = hashlib.sha256()
    checkpoints, newest, signed_line = [], None, 0
    for number, line in enumerate(data.splitlines(keepends=True), start=1):
        if line.strip():
            try:
                record = json.loads(line)
                checkpoints.append(_checkpoint(record))
            except (ValueError, KeyError, TypeError):
                raise CheckpointFileError(f"{name}: line {number} is not a checkpoint") from None
            if "signature" in record:
                if not all(isinstance(record.get(field), str) for field in ("prev", "key", "signature")):
                    raise CheckpointFileError(f"{name}: line {number} is not a checkpoint")
                if record["prev"] != running.hexdigest():
                    raise CheckpointFileError(
                        f"{name}: line {number} does not follow the lines before it (prev differs): "
                        "the file was changed before that line"
                    )
                signed_line, newest = number, record
            elif signed_line:
                raise CheckpointFileError(
                    f"{name}: line {number} is not signed, though line {signed_line} before it is: the file was changed"
                )
            else:
                newest = None
        running.update(line)
    return CheckpointFile(checkpoints, running.hexdigest(), newest["key"] if newest else ""), newest


def signed_message(record: dict) -> bytes:
    return chain.canonical_json({field: record[field] for field in SIGNED_FIELDS})


def verified(data: bytes, *, name: str = "the checkpoint file", key=None) -> CheckpointFile:
    """``parse``, and the newest line's signature checked with ``key`` (the current key unless given): the whole
    file is as the holder of that key wrote it."""
    parsed, newest = parse(data, name=name)
    if not parsed.checkpoints:
        return parsed
    if newest is None:
        raise CheckpointFileError(f"{name}: its newest checkpoint is not signed")
    try:
        key = key or signing.public_key()
    except signing.SigningKeyMissing as exc:
        raise CheckpointFileError(f"{name}: its signature cannot be checked: {exc}") from None
    if newest["key"] != signing.fingerprint(key):
        raise CheckpointFileError(
            f"{name}: its newest checkpoint was signed with key {newest['key']}, not with {signing.fingerprint(key)}"
        )
    if not signing.signature_valid(key, signed_message(newest), newest["signature"]):
        raise CheckpointFileError(f"{name}: the signature of its newest checkpoint is not valid: the file was changed")
    return parsed


def read_checkpoints(path: Path | None = None) -> list[Checkpoint]:
    """Every checkpoint in the file, once the file is shown to be as the app wrote it (else CheckpointFileError)."""
    path = path or checkpoint_path()
    if not path.exists():
        return []
    return verified(path.read_bytes(), name=str(path)).checkpoints


def write_checkpoint(now: datetime | None = None, *, verify_with=None, adopt_unsigned=False) -> Checkpoint | None:
    """Sign and append the current chain head; nothing when the log is empty, or when the newest line already
    holds the head and was signed with the current key (after a new key, the head is signed again with it).

    The file is locked while it is checked and appended to; a file that does not verify is never signed over.
    ``verify_with``: the public key the file was signed with until now, when the key is being replaced
    (``manage.py audit_signing_key rotate``); otherwise the current key. ``adopt_unsigned``: sign over a file
    that has no signed line yet (the older format), once, when the first key is made (``audit_signing_key
    create``); otherwise such a file is refused, so that stripping the signatures cannot get a file re-signed.
    """
    path = checkpoint_path()
    fingerprint = signing.fingerprint()
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_RDWR | os.O_APPEND | os.O_CREAT, 0o640)
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX)
        with open(descriptor, "rb", closefd=False) as handle:
            data = handle.read()
        parsed, newest_signed = parse(data, name=str(path))
        existing = (
            parsed if adopt_unsigned and newest_signed is None else verified(data, name=str(path), key=verify_with)
        )
        head = AuditEntry.objects.order_by("-sequence").values_list("sequence", "entry_hash").first()
        if head is None:
            return None
        newest = existing.checkpoints[-1] if existing.checkpoints else None
        if existing.key == fingerprint and newest and (newest.sequence, newest.entry_hash) == head:
            return None
        checkpoint = Checkpoint(format_timestamp(now or timezone.now()), head[0], head[1])
        record = {**asdict(checkpoint), "prev": existing.digest, "key": fingerprint}
        record["signature"] = signing.sign(signed_message(record))
        os.write(descriptor, chain.canonical_json(record) + b"\n")
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
            return _checkpoint(json.loads(line))
        except (ValueError, KeyError, TypeError):
            raise CheckpointFileError(f"{path}: the last line is not a checkpoint") from None
    return None
