"""Walking the hash chain and comparing it with the checkpoints.

A database restored from an older backup has a shorter chain than the
checkpoint file remembers: the checkpoints after the backup name entries of
a log that is gone. Once an operator accepts that restore
(``verify_audit --accept-restore``, ``irportal.audit.restore``), an
``audit.restore_accepted`` entry in the chain names the restored head and
the newest checkpoint then in the file; those older checkpoints past the
restored head are reported as superseded instead of failing the walk.
Checkpoints up to the restored head must still match, and every checkpoint
written after the acceptance is checked as usual.
"""

from dataclasses import dataclass, field

from irportal.audit import chain
from irportal.audit.checkpoint import Checkpoint, read_checkpoints
from irportal.audit.models import AuditEntry, hash_payload

RESTORE = "audit.restore"
RESTORE_ACCEPTED = "audit.restore_accepted"

_FIELDS = chain.HASHED_FIELDS


@dataclass
class VerificationResult:
    count: int = 0
    head_sequence: int = 0
    head_hash: str = chain.GENESIS_HASH
    checkpoints_checked: int = 0
    broken_sequence: int | None = None
    problem: str | None = None
    checkpoint: Checkpoint | None = field(default=None)
    # Checkpoints of a log replaced by an accepted restore, and the newest recorded restore (entry data).
    superseded: list[Checkpoint] = field(default_factory=list)
    last_restore: dict | None = None

    @property
    def ok(self) -> bool:
        return self.problem is None


@dataclass(frozen=True)
class Acceptance:
    """An accepted restore: the head the restored log had, and the newest checkpoint in the file at acceptance."""

    restored_sequence: int
    through: Checkpoint
    entry_sequence: int | None = None

    @classmethod
    def from_data(cls, data: dict, entry_sequence: int) -> "Acceptance":
        through = data["through"]
        return cls(
            int(data["restored_sequence"]),
            Checkpoint(str(through["at"]), int(through["sequence"]), str(through["entry_hash"])),
            entry_sequence,
        )


def verify_chain(
    checkpoints: list[Checkpoint] | None = None, chunk_size: int = 5000, *, proposed: Acceptance | None = None
) -> VerificationResult:
    """Recompute every entry's hash in sequence order and check the links.

    Stops at the first broken link: a missing sequence number, a ``prev_hash``
    that is not the previous entry's hash, or content that does not match its
    own hash. Then checks each checkpoint names an entry the log still has,
    with the same hash, except those an accepted restore superseded
    (``proposed``: one not yet recorded, to see whether it would pass).
    """
    if checkpoints is None:
        checkpoints = read_checkpoints()
    wanted = {checkpoint.sequence for checkpoint in checkpoints}
    seen_hashes: dict[int, str] = {}
    acceptances = [proposed] if proposed else []
    result = VerificationResult()
    expected_sequence, expected_prev = 1, chain.GENESIS_HASH
    rows = AuditEntry.objects.order_by("sequence").values_list(*_FIELDS, "entry_hash")
    for row in rows.iterator(chunk_size=chunk_size):
        payload = hash_payload(**dict(zip(_FIELDS, row[:-1], strict=True)))
        stored_hash = row[-1]
        sequence = payload["sequence"]
        if sequence != expected_sequence:
            return _broken(
                result, expected_sequence, f"entry #{expected_sequence} is missing (the next entry is #{sequence})"
            )
        if payload["prev_hash"] != expected_prev:
            return _broken(
                result, sequence, f"entry #{sequence} does not link to entry #{sequence - 1} (prev_hash differs)"
            )
        if chain.entry_hash(payload) != stored_hash:
            return _broken(
                result, sequence, f"entry #{sequence} was altered: its content does not match its entry_hash"
            )
        if sequence in wanted:
            seen_hashes[sequence] = stored_hash
        if payload["action"] == RESTORE_ACCEPTED:
            acceptances.append(Acceptance.from_data(payload["data"], sequence))
        elif payload["action"] == RESTORE:
            result.last_restore = {"sequence": sequence, **payload["data"]}
        result.count += 1
        result.head_sequence, result.head_hash = sequence, stored_hash
        expected_sequence, expected_prev = sequence + 1, stored_hash
    superseded = _superseded(checkpoints, acceptances)
    if isinstance(superseded, str):
        return _broken(result, result.head_sequence, superseded)
    for position, checkpoint in enumerate(checkpoints):
        if position in superseded:
            result.superseded.append(checkpoint)
            continue
        result.checkpoints_checked += 1
        if checkpoint.sequence > result.head_sequence:
            result.checkpoint = checkpoint
            return _broken(
                result,
                checkpoint.sequence,
                f"checkpoint of {checkpoint.at} recorded entry #{checkpoint.sequence}, "
                f"but the log ends at #{result.head_sequence}: entries were removed from the end"
                + _restore_hint(result, checkpoint),
            )
        if seen_hashes.get(checkpoint.sequence) != checkpoint.entry_hash:
            result.checkpoint = checkpoint
            return _broken(
                result,
                checkpoint.sequence,
                f"checkpoint of {checkpoint.at} disagrees with entry #{checkpoint.sequence}: the chain was rewritten"
                + _restore_hint(result, checkpoint),
            )
    return result


def _superseded(checkpoints: list[Checkpoint], acceptances: list[Acceptance]) -> set[int] | str:
    """Positions in the file of the checkpoints an accepted restore left behind; a message if one is not there."""
    positions = set()
    for acceptance in acceptances:
        try:
            through = checkpoints.index(acceptance.through)
        except ValueError:
            where = f"entry #{acceptance.entry_sequence}" if acceptance.entry_sequence else "the proposed acceptance"
            return (
                f"the restore accepted in {where} names checkpoint #{acceptance.through.sequence} of "
                f"{acceptance.through.at}, which the checkpoint file does not have: the file was changed"
            )
        positions.update(
            position
            for position, checkpoint in enumerate(checkpoints[: through + 1])
            if checkpoint.sequence > acceptance.restored_sequence
        )
    return positions


def _restore_hint(result: VerificationResult, checkpoint: Checkpoint) -> str:
    """What the operator reads when the database was restored from a backup older than this checkpoint."""
    restore = result.last_restore
    if restore is None or checkpoint.sequence <= restore["restored_head"]["sequence"]:
        return ""
    return (
        f" -- the database was restored (entry #{restore['sequence']}) from a backup of {restore['backup_created_at']} "
        f"whose log ended at #{restore['restored_head']['sequence']}; if entries past it cannot be recovered, "
        "accept the restore with `manage.py verify_audit --accept-restore --reason ...` (docs/operators/backups.md)"
    )


def _broken(result: VerificationResult, sequence: int, problem: str) -> VerificationResult:
    result.broken_sequence = sequence
    result.problem = problem
    return result
