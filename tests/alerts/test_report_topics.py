"""Financial documents reach their own audience: a publication alerts "financial reports" subscribers once."""

import pytest
from django.core import mail
from django.urls import reverse

from alerts import topics
from alerts.delivery import alert_prepare, alert_send_batch
from alerts.models import Subscriber, SubscriberStatus
from irportal.workflow.signals import state_changed
from reports.checks import CODES as EVERY_WARNING
from reports.services import document_update
from reports.workflow import document_approve, document_publish, document_submit
from tests.alerts.conftest import confirm_link, path_of
from tests.reports.builders import make_document

pytestmark = pytest.mark.django_db

TOPIC = "document.publish"


def publish(document, author, approver):
    document_submit(document_id=document.pk, actor=author)
    document_approve(document_id=document.pk, actor=approver, acknowledged=EVERY_WARNING)
    return document_publish(document_id=document.pk, actor=approver)


def send_all(document) -> None:
    for first, last in alert_prepare(topic_name=TOPIC, item_id=document.pk):
        alert_send_batch(topic_name=TOPIC, item_id=document.pk, first=first, last=last)


def subscriber(email, **audiences):
    fields = {"news": False, "events": False, "reports": False} | audiences
    return Subscriber.objects.create(email=email, status=SubscriberStatus.CONFIRMED, **fields)


def test_publishing_a_document_alerts_reports_subscribers_exactly_once(company, author, approver):
    subscriber("reports@example.test", reports=True)
    subscriber("news@example.test", news=True, events=True)
    heard = []
    state_changed.connect(lambda sender, **kwargs: heard.append((kwargs["kind"], kwargs["transition"])), weak=False)
    document = make_document(author, slug="q3-fy2026-results")
    assert topics.topic_named(TOPIC).build(document.pk) is None  # a draft: nothing to say
    publish(document, author, approver)
    send_all(document)
    send_all(document)
    # A correction published later is the same document: no second alert.
    document_update(
        actor=author, pk=document.pk, base_version=document.version, title="Third quarter results (corrected)"
    )
    publish(document, author, approver)
    send_all(document)
    [message] = mail.outbox
    assert message.to == ["reports@example.test"]
    assert message.subject == "Halvorsen Instruments, Inc.: Q3 FY2026 Third quarter results"
    assert "/investors/documents/q3-fy2026-results/" in message.body
    assert topics.topic_for("document", "publish").audience == "reports"


def test_the_sign_up_offers_financial_reports_and_confirmation_applies_the_choice(
    client, company, monkeypatch, django_capture_on_commit_callbacks
):
    from alerts import services
    from alerts.services import alert_send_confirmation

    # The confirmation mail is sent as the worker would: the task's service, in-process.
    monkeypatch.setattr(
        services,
        "hand_to_worker",
        lambda name, pk: name == services.SEND_CONFIRMATION_TASK and alert_send_confirmation(subscriber_id=pk),
    )
    assert "Financial results, reports and presentations" in client.get(reverse("alerts:subscribe")).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("alerts:subscribe"), {"email": "holder@example.test", "reports": "on"})
    assert response.status_code == 302
    [message] = mail.outbox
    assert "Financial results, reports and presentations" in message.body
    client.post(path_of(confirm_link(message)))
    holder = Subscriber.objects.get(email="holder@example.test")
    assert (holder.news, holder.events, holder.reports) == (False, False, True)
