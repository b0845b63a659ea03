"""The whole path with a real Celery worker on Redis: sign up, confirm, publish, one alert, unsubscribe."""

import datetime as dt
import threading

import pytest
import time_machine
from celery.signals import after_task_publish, task_postrun
from django.core import mail
from django.utils import timezone

from alerts.models import Delivery, DeliveryStatus, Subscriber, SubscriberStatus
from alerts.tasks import fan_out, send_batch, send_confirmation
from irportal.accounts.roles import IR_APPROVER, IR_AUTHOR
from irportal.workflow.sweep import run_sweep
from releases.checks import CODES as EVERY_WARNING
from releases.workflow import release_approve, release_submit
from tests.alerts.conftest import alerts_to, confirm_link, make_subscriber, path_of
from tests.conftest import wait_for
from tests.factories import UserFactory, make_approval_step, make_company, make_release

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


FRENCH = {
    "headline": "Halvorsen ouvre un centre d'étalonnage à Leeds",
    "subheadline": "Le centre étalonnera les instruments de ses clients européens en cinq jours",
    "highlights": ["Ouverture le 1er février", "Vingt emplois créés"],
    "body": "<p>Halvorsen Instruments, Inc. (Nasdaq : HLVI) ouvre un centre d'étalonnage à Leeds.</p>",
}


def test_a_bilingual_release_published_by_the_sweep_reaches_each_subscriber_once_in_their_language(worker):
    make_company(disclosure_languages=["en", "fr"])
    make_approval_step()
    readers = {"english@example.test": "en", "french@example.test": "fr", "francais@example.test": "fr"}
    for address, language in readers.items():
        make_subscriber(address, language=language)
    author, approver = UserFactory(roles=[IR_AUTHOR]), UserFactory(roles=[IR_APPROVER])
    release = make_release(
        author,
        headline="Halvorsen Opens a Calibration Centre in Leeds",
        subheadline="The centre will calibrate European customers' instruments within five days",
        translations={"fr": FRENCH},
    )
    release_submit(release_id=release.pk, actor=author)
    embargo = (timezone.now() + dt.timedelta(hours=1)).replace(microsecond=0)
    release_approve(acknowledged=EVERY_WARNING, release_id=release.pk, actor=approver, publish_at=embargo)
    worker()
    assert not any(alerts_to(address) for address in readers)

    with time_machine.travel(embargo + dt.timedelta(seconds=1), tick=True):
        run_sweep()  # what beat runs every 30 s: the embargo has passed, the release goes public
        worker()
        fan_out.delay("release.publish", release.pk)  # a redelivered fan-out: nobody gets a second mail
        worker()

    english_page = f"http://127.0.0.1:8000/investors/news/{release.slug}/"
    french_page = f"http://127.0.0.1:8000/fr/investors/news/{release.slug}/"
    [english] = alerts_to("english@example.test")
    assert english.extra_headers["Content-Language"] == "en"
    assert english.subject == "Halvorsen Instruments, Inc.: Halvorsen Opens a Calibration Centre in Leeds"
    assert english_page in english.body and "/fr/investors/" not in english.body
    assert "The centre will calibrate" in english.body and "étalonnage" not in english.body
    for address in ("french@example.test", "francais@example.test"):
        [french] = alerts_to(address)
        assert french.extra_headers["Content-Language"] == "fr"
        assert french.subject == f"Halvorsen Instruments, Inc.\N{NO-BREAK SPACE}: {FRENCH['headline']}"
        assert french_page in french.body and english_page not in french.body
        assert FRENCH["subheadline"] in french.body and "Calibration Centre" not in french.body
        assert "/fr/investors/alerts/unsubscribe/" in french.body
    alerts = [message.to[0] for message in mail.outbox if "List-Unsubscribe" in message.extra_headers]
    assert sorted(alerts) == sorted(readers)
    assert list(Delivery.objects.values_list("status", flat=True)) == [DeliveryStatus.SENT] * 3
