import datetime as dt

import pytest
import time_machine
from prometheus_client.parser import text_string_to_metric_families

from alerts.models import Delivery, DeliveryStatus, Subscriber
from irportal.audit.checkpoint import write_checkpoint
from irportal.audit.health import run_verification
from irportal.audit.models import VerificationRun
from irportal.celery import app as celery_app
from irportal.ops import heartbeat
from irportal.ops.metrics import queue_length
from releases.checks import CODES as EVERY_WARNING
from releases.workflow import release_approve, release_submit
from tests.factories import make_release

pytestmark = pytest.mark.django_db

TOKEN = "scraper-token-7f3a9c2e51b84d06"


def samples(response) -> dict[tuple[str, tuple], float]:
    text = response.content.decode()
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def test_without_a_token_configured_metrics_do_not_exist(client, settings):
    settings.METRICS_TOKEN = None
    assert client.get("/metrics").status_code == 404
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer anything").status_code == 404


@pytest.mark.parametrize("authorization", [None, "Bearer wrong-token", f"Basic {TOKEN}", TOKEN])
def test_the_public_is_refused(client, settings, authorization):
    settings.METRICS_TOKEN = TOKEN
    headers = {"HTTP_AUTHORIZATION": authorization} if authorization else {}
    response = client.get("/metrics", **headers)
    assert response.status_code == 403
    assert b"irportal_" not in response.content


def test_the_scraper_gets_every_named_series(client, settings, company, author, approver):
    settings.METRICS_TOKEN = TOKEN
    publish_at = dt.datetime.now(dt.UTC).replace(microsecond=0) + dt.timedelta(hours=2)
    release = make_release(author)
    release_submit(release_id=release.pk, actor=author)
    release_approve(acknowledged=EVERY_WARNING, release_id=release.pk, actor=approver, publish_at=publish_at)
    subscriber = Subscriber.objects.create(email="reader@example.test")
    for item_id, status in enumerate([DeliveryStatus.PENDING, DeliveryStatus.PENDING, DeliveryStatus.FAILED]):
        Delivery.objects.create(subscriber=subscriber, topic="release.publish", item_id=item_id, status=status)
    write_checkpoint()
    run_verification(source=VerificationRun.Source.COMMAND)
    heartbeat.record(heartbeat.BEAT)
    client.get("/investors/")
    client.get("/investors/")

    # No sweep has run since the embargo passed 90 seconds ago.
    with time_machine.travel(publish_at + dt.timedelta(seconds=90), tick=False):
        response = client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    found = samples(response)
    assert found[("irportal_sweep_lag_seconds", ())] == 90
    assert found[("irportal_alert_deliveries", (("state", "pending"),))] == 2
    assert found[("irportal_alert_deliveries", (("state", "failed"),))] == 1
    assert found[("irportal_audit_last_verification_ok", ())] == 1
    assert found[("irportal_audit_checkpoint_age_seconds", ())] >= 2 * 3600
    assert found[("irportal_celery_queue_length", (("queue", "celery"),))] >= 0
    assert found[("irportal_heartbeat_age_seconds", (("part", "beat"),))] >= 2 * 3600
    assert ("irportal_audit_last_verification_timestamp_seconds", ()) in found
    assert found[("irportal_request_duration_seconds_count", (("view", "investors:home"),))] >= 2
    assert found[("irportal_public_cache_requests_total", (("result", "hit"),))] >= 1
    assert found[("irportal_public_cache_requests_total", (("result", "miss"),))] >= 1
    assert found[("irportal_outbox_messages", (("state", "pending"),))] >= 1  # the approval's notification
    assert found[("irportal_outbox_messages", (("state", "failed"),))] == 0
    assert found[("irportal_outbox_oldest_pending_seconds", ())] >= 90


def test_queue_length_counts_what_waits_in_the_broker():
    queue = "metrics-test"
    with celery_app.connection_for_write() as connection:
        channel = connection.default_channel
        channel.queue_declare(queue, durable=True, auto_delete=False)
        channel.queue_purge(queue)
        for _ in range(3):
            celery_app.send_task("irportal.workflow.tasks.sweep", queue=queue, connection=connection)
        assert queue_length(queue) == 3
        channel.queue_purge(queue)
    assert queue_length(queue) == 0
