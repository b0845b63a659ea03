"""A package's items go out in one alert mail per subscriber, not one per item."""

import datetime as dt

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from alerts.delivery import alert_prepare, alert_send_batch
from alerts.models import Subscriber, SubscriberStatus
from alerts.tasks import fan_out_change
from irportal.workflow.models import OutboxMessage
from irportal.workflow.sweep import run_sweep
from tests.events.builders import make_event
from tests.factories import make_company, make_release
from tests.packages.builders import approved_package, earnings_items
from tests.reports.builders import make_document

pytestmark = pytest.mark.django_db

FRENCH = {
    "headline": "Halvorsen Instruments publie ses résultats du troisième trimestre",
    "subheadline": "Chiffre d'affaires en hausse de 12 %",
    "highlights": ["Chiffre d'affaires de 84,2 M$"],
    "body": "<p>Halvorsen Instruments, Inc. (Nasdaq : HLVI) a publié ses résultats.</p>",
}


def _subscriber(email, **audiences):
    fields = {"news": False, "events": False, "reports": False} | audiences
    return Subscriber.objects.create(email=email, status=SubscriberStatus.CONFIRMED, **fields)


def test_one_mail_per_subscriber_lists_every_item_of_the_package(company, author, approver, broker_down):
    _subscriber("everything@example.test", news=True, events=True, reports=True)
    _subscriber("events-only@example.test", events=True)
    Subscriber.objects.create(email="unconfirmed@example.test", news=True, events=True, reports=True)
    items = earnings_items(author)
    embargo = timezone.now().replace(microsecond=0) + dt.timedelta(hours=2)
    package = approved_package(author, approver, embargo, items)
    OutboxMessage.objects.all().delete()  # what the approval wrote: nothing public yet
    with time_machine.travel(embargo + dt.timedelta(seconds=5), tick=False):
        run_sweep()
        fanned = {
            (message.payload["kind"], message.payload["item_id"]): fan_out_change(message.payload)
            for message in OutboxMessage.objects.filter(handler="alerts.fan_out")
        }
        for first, last in alert_prepare(topic_name="package.publish", item_id=package.pk):
            alert_send_batch(topic_name="package.publish", item_id=package.pk, first=first, last=last)
            alert_send_batch(topic_name="package.publish", item_id=package.pk, first=first, last=last)
    assert fanned[("package", package.pk)] == 1
    assert [count for key, count in fanned.items() if key[0] != "package"] == [0, 0, 0, 0]
    assert sorted(message.to[0] for message in mail.outbox) == ["events-only@example.test", "everything@example.test"]
    message = next(message for message in mail.outbox if message.to == ["everything@example.test"])
    release, results, tables, webcast = items
    assert message.subject == f"Halvorsen Instruments, Inc.: {release.headline}"
    assert "Published together: 4 items." in message.body
    for path in (
        f"/investors/news/{release.slug}/",
        f"/investors/documents/{results.slug}/",
        f"/investors/documents/{tables.slug}/",
        f"/investors/events/{webcast.slug}/",
    ):
        assert path in message.body
    signed_up = "news releases; financial results, reports and presentations; events and webcast replays alerts"
    assert signed_up in " ".join(message.body.split())


def test_a_french_subscriber_gets_the_package_mail_in_french_with_each_item_at_its_french_address(author, approver):
    make_company(disclosure_languages=["en", "fr"])
    Subscriber.objects.create(email="lecteur@example.test", status=SubscriberStatus.CONFIRMED, news=True, language="fr")
    release = make_release(author, translations={"fr": FRENCH})
    results = make_document(
        author,
        title="Third quarter results",
        translations={"fr": {"title": "Résultats du troisième trimestre", "summary": "Chiffre d'affaires en hausse."}},
    )
    french_event = {
        "title": "Présentation à la Conférence technologique d'hiver",
        "organizer": "Conférence technologique d'hiver",
        "location": "Scottsdale (Arizona)",
        "presenters": [{"name": "Ingrid Halvorsen", "title": "présidente et chef de la direction"}],
    }
    webcast = make_event(author, starts_at=timezone.now() + dt.timedelta(days=2), translations={"fr": french_event})
    embargo = timezone.now().replace(microsecond=0) + dt.timedelta(hours=2)
    package = approved_package(author, approver, embargo, [release, results, webcast])
    with time_machine.travel(embargo + dt.timedelta(seconds=5), tick=False):
        run_sweep()
        for first, last in alert_prepare(topic_name="package.publish", item_id=package.pk):
            alert_send_batch(topic_name="package.publish", item_id=package.pk, first=first, last=last)
    [message] = mail.outbox
    assert message.extra_headers["Content-Language"] == "fr"
    assert message.subject == f"Halvorsen Instruments, Inc.\N{NO-BREAK SPACE}: {FRENCH['headline']}"
    assert "Publiés ensemble\N{NO-BREAK SPACE}: 3 éléments." in message.body
    assert f"- {FRENCH['headline']}\n  http://127.0.0.1:8000/fr/investors/news/{release.slug}/" in message.body
    for path in (f"/fr/investors/documents/{results.slug}/", f"/fr/investors/events/{webcast.slug}/"):
        assert path in message.body
    assert "Résultats du troisième trimestre" in message.body
    assert "Third quarter results" not in message.body
    assert "http://127.0.0.1:8000/investors/" not in message.body
