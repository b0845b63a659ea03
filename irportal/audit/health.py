"""Chain health: run a verification, keep its result, raise the alarm when it fails."""

import logging
from datetime import datetime

from django.utils import timezone
from django.utils.dateparse import parse_datetime
from prometheus_client.core import GaugeMetricFamily

from irportal.audit import signing
from irportal.audit.checkpoint import CheckpointFileError, last_checkpoint, read_checkpoints
from irportal.audit.models import VerificationRun
from irportal.audit.services import audit_record
from irportal.audit.verify import VerificationResult, verify_chain

logger = logging.getLogger("irportal.audit")


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
        result = VerificationResult(problem=f"the checkpoint file cannot be read or does not verify: {exc}")
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
        # Also a log line, for whoever watches the logs on the log host rather than the compliance pages.
        logger.error("audit chain verification failed at #%s: %s", result.broken_sequence, result.problem)
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
    try:
        signing_key, signing_problem = signing.fingerprint(), ""
    except signing.SigningKeyMissing as exc:
        signing_key, signing_problem = "", str(exc)
    return {
        "last_run": VerificationRun.objects.order_by("-finished_at", "-id").first(),
        "last_checkpoint": checkpoint,
        "checkpoint_problem": checkpoint_problem,
        "signing_key": signing_key,
        "signing_problem": signing_problem,
    }


def collect_metrics(now: datetime):
    """Scrape-time figures: when the chain was last verified (and whether it held), how old the newest checkpoint is."""
    run = VerificationRun.objects.order_by("-finished_at", "-id").values_list("finished_at", "ok").first()
    verified = GaugeMetricFamily(
        "irportal_audit_last_verification_timestamp_seconds", "When the newest chain verification finished (Unix time)"
    )
    intact = GaugeMetricFamily("irportal_audit_last_verification_ok", "1 when the newest chain verification passed")
    if run is not None:
        verified.add_metric([], run[0].timestamp())
        intact.add_metric([], 1 if run[1] else 0)
    yield verified
    yield intact
    age = GaugeMetricFamily("irportal_audit_checkpoint_age_seconds", "Seconds since the newest checkpoint was written")
    try:
        checkpoint = last_checkpoint()
    except CheckpointFileError:
        checkpoint = None
    if checkpoint is not None:
        age.add_metric([], max(0.0, (now - parse_datetime(checkpoint.at)).total_seconds()))
    yield age
