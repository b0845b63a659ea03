"""With the broker unreachable, people still get their answer: the change is made, its side effects wait."""

import pytest
from django.urls import reverse

from alerts.models import Subscriber
from irportal.workflow.models import OutboxMessage
from releases.models import Release
from tests.factories import make_release, sign_in

pytestmark = pytest.mark.django_db


def test_a_release_is_submitted_while_the_broker_is_down(
    client, company, author, broker_down, django_capture_on_commit_callbacks
):
    release = make_release(author)
    sign_in(client, author)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("console:transition", kwargs={"kind": "releases", "pk": release.pk, "transition": "submit"})
        )
    assert response.status_code == 302
    assert Release.objects.get(pk=release.pk).status == "in_review"
    # The reviewers' mail waits in the outbox for beat to hand it to a worker.
    assert OutboxMessage.objects.get(handler="workflow.notify").status == OutboxMessage.Status.PENDING


def test_an_alert_sign_up_is_answered_while_the_broker_is_down(client, broker_down, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/investors/alerts/", {"email": "reader@example.test", "news": "on"})
    assert (response.status_code, response["Location"]) == (302, "/investors/alerts/requested/")
    assert Subscriber.objects.filter(email="reader@example.test").exists()
