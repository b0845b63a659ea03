import re

import pytest
from django.core import mail

from alerts.models import Subscriber, SubscriberStatus
from alerts.services import alert_send_confirmation
from irportal.accounts.roles import IR_APPROVER, IR_AUTHOR
from releases.checks import CODES as EVERY_WARNING
from releases.workflow import release_approve, release_publish, release_submit
from tests.factories import UserFactory, make_approval_step, make_release

CONFIRM_LINK = re.compile(r"http://[^\s]+/investors/alerts/confirm/[A-Za-z0-9_-]+/")


def confirm_link(message) -> str:
    return CONFIRM_LINK.search(message.body).group(0)


def path_of(url: str) -> str:
    return url.split("://", 1)[1].split("/", 1)[1].join(["/", ""])


def alerts_to(address: str) -> list:
    return [
        message for message in mail.outbox if message.to == [address] and "List-Unsubscribe" in message.extra_headers
    ]


def make_subscriber(
    email: str, *, news=True, events=True, status=SubscriberStatus.CONFIRMED, language="en"
) -> Subscriber:
    return Subscriber.objects.create(email=email, news=news, events=events, status=status, language=language)


@pytest.fixture
def sign_up(client, django_capture_on_commit_callbacks, mocker_free_confirmation):
    """POST the form (on ``path``); the confirmation mail is sent as the worker would (its service, in-process)."""

    def post(email, *, path="/investors/alerts/", language=None, **choices):
        data = {"email": email, **{name: "on" for name, chosen in choices.items() if chosen}}
        if language is not None:
            data["language"] = language
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(path, data)

    return post


@pytest.fixture
def mocker_free_confirmation(monkeypatch):
    """Queueing the confirmation runs its service here, instead of on a worker."""
    from alerts import services

    monkeypatch.setattr(
        services,
        "hand_to_worker",
        lambda name, pk: name == services.SEND_CONFIRMATION_TASK and alert_send_confirmation(subscriber_id=pk),
    )


@pytest.fixture
def publish_release():
    """Take a new release through the workflow to published, as IR staff would."""

    def publish(after_each_step=lambda: None, **fields):
        make_approval_step()  # a transactional test that ran before may have flushed the default one
        author, approver = UserFactory(roles=[IR_AUTHOR]), UserFactory(roles=[IR_APPROVER])
        release = make_release(author, **fields)
        release_submit(release_id=release.pk, actor=author)
        after_each_step()
        release_approve(acknowledged=EVERY_WARNING, release_id=release.pk, actor=approver)
        after_each_step()
        return release_publish(release_id=release.pk, actor=approver)

    return publish
