import pytest
from django.core import mail

from irportal.accounts.roles import IR_APPROVER
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
