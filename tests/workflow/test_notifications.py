import datetime as dt
import smtplib

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from irportal.accounts.roles import IR_APPROVER
from irportal.workflow import outbox
from irportal.workflow.models import OutboxMessage, StaffMailSent
from irportal.workflow.notifications import notify_transition
from releases.checks import CODES as EVERY_WARNING
from releases.workflow import release_approve, release_publish, release_request_changes, release_submit
from tests.factories import UserFactory, make_release

pytestmark = pytest.mark.django_db


@pytest.fixture
def release(author, company):
    return make_release(author)


def test_submission_mails_the_reviewers_of_the_next_step(release, author, approver):
    other_reviewer = UserFactory(roles=[IR_APPROVER])
    release_submit(release_id=release.pk, actor=author)
    assert notify_transition("release", release.pk, "submit") == 2
    assert sorted(message.to[0] for message in mail.outbox) == sorted([approver.email, other_reviewer.email])
    assert mail.outbox[0].subject.startswith("[IR Portal] Review requested: ")
    assert f"/staff/releases/{release.pk}/" in mail.outbox[0].body


@pytest.mark.parametrize("transition", ["request_changes", "approve", "publish"])
def test_the_author_hears_of_the_decision(release, author, approver, transition):
    release_submit(release_id=release.pk, actor=author)
    if transition == "request_changes":
        release_request_changes(release_id=release.pk, actor=approver, comment="Shorter headline")
    else:
        release_approve(acknowledged=EVERY_WARNING, release_id=release.pk, actor=approver)
        if transition == "publish":
            release_publish(release_id=release.pk, actor=approver)
    assert notify_transition("release", release.pk, transition) == 1
    assert mail.outbox[0].to == [author.email]


def test_a_vanished_item_sends_nothing():
    assert notify_transition("release", 987654, "submit") == 0
    assert mail.outbox == []


def test_a_mail_to_several_people_that_fails_half_way_mails_only_the_others_on_the_retry(
    release, author, approver, scripted_smtp
):
    """The staff notifications' send log: the outbox's retry does not mail the ones already served."""
    others = [UserFactory(roles=[IR_APPROVER]) for _ in range(2)]
    release_submit(release_id=release.pk, actor=author)
    notify = OutboxMessage.objects.get(handler="workflow.notify", payload__transition="submit")
    scripted_smtp.extend([None, smtplib.SMTPServerDisconnected("Connection unexpectedly closed")])
    assert outbox.run(notify.pk) is False  # the second mail failed: the row waits for its retry
    assert len(mail.outbox) == 1
    OutboxMessage.objects.filter(pk=notify.pk).update(redispatch_at=timezone.now())
    assert outbox.run(notify.pk) is True
    received = sorted(message.to[0] for message in mail.outbox)
    assert received == sorted(user.email for user in [approver, *others])  # each once
    assert StaffMailSent.objects.filter(message=notify).count() == 3


def test_the_mail_says_when_the_change_happened_in_company_time(release, author, approver, settings):
    """After an outage "Published" may arrive before "Approved": each says its own time, in the company's zone."""
    settings.TIME_ZONE = "Asia/Tokyo"  # not the company's: the profile's zone is the only one that counts
    with time_machine.travel(dt.datetime(2026, 12, 8, 16, 0, 12, tzinfo=dt.UTC), tick=False):
        release_submit(release_id=release.pk, actor=author)
        release_approve(acknowledged=EVERY_WARNING, release_id=release.pk, actor=approver)
    with time_machine.travel(dt.datetime(2026, 12, 8, 16, 5, tzinfo=dt.UTC), tick=False):
        release_publish(release_id=release.pk, actor=approver)
    published = OutboxMessage.objects.get(handler="workflow.notify", payload__transition="publish")
    approved = OutboxMessage.objects.get(handler="workflow.notify", payload__transition="approve")
    outbox.run(published.pk)
    outbox.run(approved.pk)
    first, second = mail.outbox[0].body, mail.outbox[1].body
    assert first.startswith("Published: the release") and "at Dec. 8, 2026, 9:05 am MST." in first
    assert (
        second.startswith("Approved: the release") and "at Dec. 8, 2026, 9:00:12 am MST." in second
    )  # seconds where the moment has them
    assert "can arrive out of order" in second and "As this mail is written it is published." in second
