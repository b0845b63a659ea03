"""With the broker unreachable, people still get their answer: the change is made, the side effect is logged."""

import pytest
from django.urls import reverse

from alerts.models import Subscriber
from irportal.celery import app as celery_app
from releases.models import Release
from tests.conftest import use_broker
from tests.factories import make_release

pytestmark = pytest.mark.django_db


@pytest.fixture
def broker_down():
    previous = celery_app.conf.broker_url
    use_broker(celery_app, "redis://127.0.0.1:9/0")
    yield
    use_broker(celery_app, previous)


def test_a_release_is_submitted_while_the_broker_is_down(
    client, company, author, broker_down, django_capture_on_commit_callbacks
):
    release = make_release(author)
    client.force_login(author)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("console:transition", kwargs={"kind": "releases", "pk": release.pk, "transition": "submit"})
        )
    assert response.status_code == 302
    assert Release.objects.get(pk=release.pk).status == "in_review"


def test_an_alert_sign_up_is_answered_while_the_broker_is_down(client, broker_down, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/investors/alerts/", {"email": "reader@example.test", "news": "on"})
    assert (response.status_code, response["Location"]) == (302, "/investors/alerts/requested/")
    assert Subscriber.objects.filter(email="reader@example.test").exists()
