"""Walking the hash chain and comparing it with the checkpoints."""

from dataclasses import dataclass, field

from irportal.audit import chain
from irportal.audit.checkpoint import Checkpoint, read_checkpoints
from irportal.audit.models import AuditEntry, hash_payload

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

    @property
    def ok(self) -> bool:
        return self.problem is None


def verify_chain(checkpoints: list[Checkpoint] | None = None, chunk_size: int = 5000) -> VerificationResult:
    """Recompute every entry's hash in sequence order and check the links.

    Stops at the first broken link: a missing sequence number, a ``prev_hash``
    that is not the previous entry's hash, or content that does not match its
    own hash. Then checks each checkpoint names an entry the log still has,
    with the same hash.
    """
    if checkpoints is None:
        checkpoints = read_checkpoints()
    wanted = {checkpoint.sequence for checkpoint in checkpoints}
    seen_hashes: dict[int, str] = {}
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
        result.count += 1
        result.head_sequence, result.head_hash = sequence, stored_hash
        expected_sequence, expected_prev = sequence + 1, stored_hash
    for checkpoint in checkpoints:
        result.checkpoints_checked += 1
        if checkpoint.sequence > result.head_sequence:
            result.checkpoint = checkpoint
            return _broken(
                result,
                checkpoint.sequence,
                f"checkpoint of {checkpoint.at} recorded entry #{checkpoint.sequence}, "
                f"but the log ends at #{result.head_sequence}: entries were removed from the end",
            )
        if seen_hashes.get(checkpoint.sequence) != checkpoint.entry_hash:
            result.checkpoint = checkpoint
            return _broken(
                result,
                checkpoint.sequence,
                f"checkpoint of {checkpoint.at} disagrees with entry #{checkpoint.sequence}: the chain was rewritten",
            )
    return result


def _broken(result: VerificationResult, sequence: int, problem: str) -> VerificationResult:
    result.broken_sequence = sequence
    result.problem = problem
    return result
