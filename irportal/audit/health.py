"""Chain health: run a verification, keep its result, raise the alarm when it fails."""

from django.utils import timezone

from irportal.audit.checkpoint import CheckpointFileError, last_checkpoint, read_checkpoints
from irportal.audit.models import VerificationRun
from irportal.audit.services import audit_record
from irportal.audit.verify import VerificationResult, verify_chain


def run_verification(*, source: str) -> tuple[VerificationRun, VerificationResult]:
    """Walk the chain against the checkpoint file and record the run.

    A failed run also writes ``audit.verify_failed`` to the log (as the
    system), so the failure itself is part of the tamper-evident record.
    """
    started = timezone.now()
    try:
        checkpoints = read_checkpoints()
        newest = checkpoints[-1] if checkpoints else None
        result = verify_chain(checkpoints)
    except CheckpointFileError as exc:
        newest = None
        result = VerificationResult(problem=f"the checkpoint file cannot be read: {exc}")
    run = VerificationRun.objects.create(
        started_at=started,
        finished_at=timezone.now(),
        source=source,
        ok=result.ok,
        entries_checked=result.count,
        head_sequence=result.head_sequence,
        head_hash=result.head_hash,
        checkpoints_checked=result.checkpoints_checked,
        broken_sequence=result.broken_sequence,
        problem=result.problem or "",
        checkpoint_sequence=newest.sequence if newest else None,
        checkpoint_hash=newest.entry_hash if newest else "",
        checkpoint_at=newest.at if newest else "",
    )
    if not result.ok:
        audit_record(
            action="audit.verify_failed",
            object_type="audit.verificationrun",
            object_id=str(run.pk),
            object_label=f"verification run {run.pk}",
            data={
                "source": source,
                "broken_sequence": result.broken_sequence,
                "problem": result.problem,
                "entries_checked": result.count,
            },
        )
    return run, result


def chain_health() -> dict:
    """What the explorer shows: the newest verification run and the newest checkpoint."""
    try:
        checkpoint, checkpoint_problem = last_checkpoint(), ""
    except CheckpointFileError as exc:
        checkpoint, checkpoint_problem = None, str(exc)
    return {
        "last_run": VerificationRun.objects.order_by("-finished_at", "-id").first(),
        "last_checkpoint": checkpoint,
        "checkpoint_problem": checkpoint_problem,
    }
