"""The whole path with a real Celery worker on Redis: sign up, confirm, publish, one alert, unsubscribe."""

import threading

import pytest
from celery.signals import after_task_publish, task_postrun
from django.core import mail

from alerts.models import Delivery, DeliveryStatus, Subscriber, SubscriberStatus
from alerts.tasks import fan_out, send_batch, send_confirmation
from tests.alerts.conftest import alerts_to, confirm_link, path_of
from tests.conftest import wait_for

pytestmark = pytest.mark.redis


@pytest.fixture
def worker(celery_worker):
    """The worker, and ``settle()``: wait until it has finished every task queued so far.

    On SQLite the test database is shared in memory with table locks that do
    not wait, so the test touches the database only while the worker is idle.
    """
    lock, counts = threading.Lock(), {"queued": 0, "done": 0}

    def count(key):
        def receiver(**kwargs):
            with lock:
                counts[key] += 1

        return receiver

    queued, done = count("queued"), count("done")
    after_task_publish.connect(queued, weak=False)
    task_postrun.connect(done, weak=False)

    def settle():
        wait_for(lambda: counts["queued"] == counts["done"])

    yield settle
    after_task_publish.disconnect(queued)
    task_postrun.disconnect(done)


@pytest.fixture
def publish(worker, publish_release):
    """Publish a release step by step, letting the worker finish each step's notifications."""

    def run(**fields):
        release = publish_release(after_each_step=worker, **fields)
        worker()
        return release

    return run


def _sign_up(client, settle, address):
    response = client.post("/investors/alerts/", {"email": address, "news": "on"})
    assert response.status_code == 302
    settle()
    return [message for message in mail.outbox if message.to == [address.lower()]][-1]


def test_sign_up_confirm_publish_gives_exactly_one_alert_with_a_working_unsubscribe(worker, client, publish):
    confirmation = _sign_up(client, worker, "Holder@Example.test")
    assert confirmation.to == ["holder@example.test"]
    assert "Confirm your email alerts" in confirmation.subject
    link = path_of(confirm_link(confirmation))
    assert "Confirm" in client.get(link).content.decode()
    assert "Your email alerts are on" in client.post(link).content.decode()
    assert Subscriber.objects.get().status == SubscriberStatus.CONFIRMED

    release = publish(headline="Halvorsen Opens a Calibration Centre in Leeds")
    [alert] = alerts_to("holder@example.test")
    assert alert.subject.endswith("Halvorsen Opens a Calibration Centre in Leeds")
    assert f"http://127.0.0.1:8000{release.get_absolute_url()}" in alert.body
    assert alert.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    delivery = Delivery.objects.get()
    assert (delivery.topic, delivery.item_id, delivery.status) == ("release.publish", release.pk, DeliveryStatus.SENT)

    # A duplicated fan-out and batch, as a redelivered message or a second worker would run them.
    fan_out.delay("release.publish", release.pk)
    send_batch.delay("release.publish", release.pk, delivery.subscriber_id, delivery.subscriber_id)
    send_confirmation.delay(delivery.subscriber_id)  # a redelivered confirmation: a fresh link, no alert
    worker()
    assert len(alerts_to("holder@example.test")) == 1
    assert Delivery.objects.get().status == DeliveryStatus.SENT

    # One click from the mail client: a POST to the List-Unsubscribe URL, no cookie, no CSRF token.
    url = alert.extra_headers["List-Unsubscribe"].split(",")[0].strip("<> ")
    client.cookies.clear()
    response = client.post(path_of(url), {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    subscriber = Subscriber.objects.get(pk=delivery.subscriber_id)
    assert (subscriber.status, subscriber.email) == (SubscriberStatus.UNSUBSCRIBED, None)

    publish(headline="Halvorsen Names a New Chief Financial Officer")
    assert len(alerts_to("holder@example.test")) == 1
    assert Delivery.objects.count() == 1
