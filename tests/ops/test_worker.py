import pytest

from irportal.ops.models import Heartbeat
from irportal.workflow.tasks import sweep
from tests.conftest import wait_for

pytestmark = pytest.mark.redis


def test_a_running_worker_writes_its_heartbeat_and_a_sweep_writes_beats(celery_worker):
    worker = wait_for(lambda: Heartbeat.objects.filter(name__startswith="worker:").first())
    assert worker.name == f"worker:{celery_worker.hostname}"
    assert not Heartbeat.objects.filter(name="beat").exists()
    sweep.delay()
    assert wait_for(lambda: Heartbeat.objects.filter(name="beat").exists())
