from celery import shared_task
from django.conf import settings

from irportal.audit.checkpoint import write_checkpoint
from irportal.audit.health import run_verification
from irportal.audit.models import VerificationRun


@shared_task(name="irportal.audit.tasks.audit_checkpoint", time_limit=60, soft_time_limit=50)
def audit_checkpoint() -> int | None:
    """Append the chain head to the checkpoint file (beat runs this every few minutes)."""
    checkpoint = write_checkpoint()
    return checkpoint.sequence if checkpoint else None


@shared_task(
    name="irportal.audit.tasks.audit_verify",
    time_limit=settings.AUDIT_VERIFY_TIME_LIMIT,
    soft_time_limit=settings.AUDIT_VERIFY_TIME_LIMIT - 30,
    # Acknowledged when it starts: it may run longer than the broker's visibility timeout, and a walk
    # lost with its worker is simply made again at the next interval.
    acks_late=False,
)
def audit_verify() -> bool:
    """Walk the whole chain against the checkpoints and keep the result (beat runs this periodically)."""
    run, _ = run_verification(source=VerificationRun.Source.SCHEDULE)
    return run.ok
