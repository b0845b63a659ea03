import pytest

from irportal.audit.checkpoint import read_checkpoints
from irportal.audit.models import AuditEntry
from irportal.audit.services import audit_record
from irportal.audit.tasks import audit_checkpoint
from tests.conftest import wait_for

pytestmark = pytest.mark.redis


def test_real_worker_writes_the_chain_head_to_the_checkpoint_file(celery_worker):
    for _ in range(3):
        audit_record(action="auth.login")
    audit_checkpoint.delay()
    checkpoints = wait_for(read_checkpoints)
    head = AuditEntry.objects.order_by("-sequence").first()
    assert [(c.sequence, c.entry_hash) for c in checkpoints] == [(head.sequence, head.entry_hash)]


def test_beat_schedule_runs_the_checkpoint_task():
    from django.conf import settings

    from irportal.celery import app

    entry = settings.CELERY_BEAT_SCHEDULE["audit-checkpoint"]
    assert entry["task"] == audit_checkpoint.name
    assert entry["task"] in app.tasks
    assert app.conf.task_acks_late and app.conf.task_reject_on_worker_lost
    assert app.conf.worker_prefetch_multiplier == 1
    assert app.conf.accept_content == ["json"]


def test_real_worker_runs_the_scheduled_verification(celery_worker):
    from irportal.audit.models import VerificationRun
    from irportal.audit.tasks import audit_verify

    for _ in range(3):
        audit_record(action="auth.login")
    audit_verify.delay()
    run = wait_for(VerificationRun.objects.first)
    assert (run.source, run.ok, run.entries_checked) == ("schedule", True, 3)


def test_beat_schedule_runs_the_verification():
    from django.conf import settings

    from irportal.audit.tasks import audit_verify
    from irportal.celery import app

    entry = settings.CELERY_BEAT_SCHEDULE["audit-verify"]
    assert entry["task"] == audit_verify.name
    assert entry["task"] in app.tasks
    assert entry["schedule"] == settings.AUDIT_VERIFY_INTERVAL
