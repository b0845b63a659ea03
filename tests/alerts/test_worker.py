"""The whole path with a real Celery worker on Redis: sign up, confirm, publish, one alert, unsubscribe."""

import pytest
from django.core import mail

from alerts.models import Delivery, DeliveryStatus, Subscriber, SubscriberStatus
from alerts.tasks import fan_out, send_batch, send_confirmation
from tests.alerts.conftest import alerts_to, confirm_link, path_of
from tests.conftest import wait_for

pytestmark = pytest.mark.redis


def _sign_up(client, address):
    response = client.post("/investors/alerts/", {"email": address, "news": "on"})
    assert response.status_code == 302
    return wait_for(lambda: [message for message in mail.outbox if message.to == [address.lower()]])[-1]


def test_sign_up_confirm_publish_gives_exactly_one_alert_with_a_working_unsubscribe(
    celery_worker, client, publish_release
):
    confirmation = _sign_up(client, "Holder@Example.test")
    assert confirmation.to == ["holder@example.test"]
    assert "Confirm your email alerts" in confirmation.subject
    link = path_of(confirm_link(confirmation))
    assert "Confirm" in client.get(link).content.decode()
    assert "Your email alerts are on" in client.post(link).content.decode()
    assert Subscriber.objects.get().status == SubscriberStatus.CONFIRMED

    release = publish_release(headline="Halvorsen Opens a Calibration Centre in Leeds")
    [alert] = wait_for(lambda: alerts_to("holder@example.test"))
    assert alert.subject.endswith("Halvorsen Opens a Calibration Centre in Leeds")
    assert f"http://127.0.0.1:8000{release.get_absolute_url()}" in alert.body
    assert alert.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    delivery = Delivery.objects.get()
    assert (delivery.topic, delivery.item_id, delivery.status) == ("release.publish", release.pk, DeliveryStatus.SENT)

    # A duplicated fan-out and a duplicated batch, as a redelivered message or a second worker would run them.
    # The worker takes tasks in order; a confirmation mail queued behind them shows when they are done.
    fan_out.delay("release.publish", release.pk)
    send_batch.delay("release.publish", release.pk, delivery.subscriber_id, delivery.subscriber_id)
    _sign_up(client, "marker-one@example.test")
    marker = Subscriber.objects.get(email="marker-one@example.test")
    send_confirmation.delay(marker.pk)  # queued after the batch the duplicated fan-out queued
    wait_for(lambda: len([m for m in mail.outbox if m.to == ["marker-one@example.test"]]) == 2)
    assert len(alerts_to("holder@example.test")) == 1

    # One click from the mail client: a POST to the List-Unsubscribe URL, no cookie, no CSRF token.
    url = alert.extra_headers["List-Unsubscribe"].split(",")[0].strip("<> ")
    client.cookies.clear()
    response = client.post(path_of(url), {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    subscriber = Subscriber.objects.get(pk=delivery.subscriber_id)
    assert (subscriber.status, subscriber.email) == (SubscriberStatus.UNSUBSCRIBED, None)

    publish_release(headline="Halvorsen Names a New Chief Financial Officer")
    _sign_up(client, "marker-two@example.test")
    assert len(alerts_to("holder@example.test")) == 1
