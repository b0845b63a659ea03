from smtplib import SMTPException

from celery import shared_task
from django.core.mail import send_mass_mail

from irportal.ops import heartbeat
from irportal.workflow import engine, notifications
from irportal.workflow.sweep import run_sweep


@shared_task(name="irportal.workflow.tasks.sweep", time_limit=120, soft_time_limit=100)
def sweep() -> dict[str, int]:
    """Beat's sweep; each run is beat's heartbeat (``/readyz`` and the dashboard say when it is late)."""
    changed = {name: len(ids) for name, ids in run_sweep().items()}
    heartbeat.record(heartbeat.BEAT)
    return changed


@shared_task(
    name="irportal.workflow.tasks.notify_transition",
    autoretry_for=(SMTPException, OSError),
    retry_backoff=True,
    retry_backoff_max=600,
    max_retries=6,
    time_limit=60,
    soft_time_limit=50,
)
def notify_transition(kind: str, pk: int, transition: str) -> int:
    """Email the people the change concerns: the next step's reviewers, or the author."""
    spec = engine.spec_for(kind)
    item = (
        spec.model.objects.filter(pk=pk).select_related("current_step__group", "created_by", "last_edited_by").first()
    )
    if item is None:
        return 0
    addresses = notifications.recipients(item, transition)
    subject, body = notifications.message(kind, item, transition)
    return send_mass_mail([(subject, body, None, [address]) for address in addresses])
