from celery import shared_task

from irportal.audit.checkpoint import write_checkpoint


@shared_task(name="irportal.audit.tasks.audit_checkpoint", time_limit=60, soft_time_limit=50)
def audit_checkpoint() -> int | None:
    """Append the chain head to the checkpoint file (beat runs this every few minutes)."""
    checkpoint = write_checkpoint()
    return checkpoint.sequence if checkpoint else None
