"""Celery tasks of the workflow: the scheduler sweep and the outbox's two tasks."""

from celery import shared_task

from irportal.ops import heartbeat
from irportal.workflow import outbox
from irportal.workflow.sweep import run_sweep


@shared_task(name="irportal.workflow.tasks.sweep", time_limit=120, soft_time_limit=100)
def sweep() -> dict[str, int]:
    """Beat's sweep; each run is beat's heartbeat (``/readyz`` and the dashboard say when it is late)."""
    changed = {name: len(ids) for name, ids in run_sweep().items()}
    heartbeat.record(heartbeat.BEAT)
    return changed


@shared_task(
    name=outbox.RUN_TASK,
    time_limit=outbox.RUN_TIME_LIMIT,
    soft_time_limit=outbox.RUN_TIME_LIMIT - 20,
    autoretry_for=outbox.TRANSIENT_DB_ERRORS,
    retry_backoff=True,
    retry_backoff_max=60,
    max_retries=5,
)
def run_outbox_message(message_id: int) -> bool:
    return outbox.run(message_id)


@shared_task(name="irportal.workflow.tasks.outbox_redispatch", time_limit=60, soft_time_limit=50)
def outbox_redispatch() -> dict[str, int]:
    return outbox.redispatch()
