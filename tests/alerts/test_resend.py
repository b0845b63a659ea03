"""Failed alert mails sent again (an IR Admin on the alerts overview, an operator's command): audited, and each
subscriber still gets the alert exactly once."""

import smtplib

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse

from alerts.delivery import alert_prepare, alert_send_batch, alerts_resend_failed
from alerts.models import Delivery, DeliveryStatus
from irportal.accounts.roles import COMPLIANCE_REVIEWER, IR_ADMIN
from irportal.audit.models import AuditEntry
from tests.alerts.conftest import make_subscriber
from tests.conftest import in_parallel
from tests.factories import UserFactory, sign_in

pytestmark = pytest.mark.django_db

TOPIC = "release.publish"
DOWN = smtplib.SMTPServerDisconnected("Connection unexpectedly closed")


@pytest.fixture
def failed(publish_release, scripted_smtp, settings):
    """Three subscribers; the first got the alert, then the mail server was down past the retry budget (one try)."""
    settings.ALERTS_MAX_ATTEMPTS = 1
    release = publish_release(headline="Halvorsen Reports Record Third Quarter")
    for n in range(3):
        make_subscriber(f"holder{n}@example.test")
    scripted_smtp.extend([None, DOWN, DOWN])
    for first, last in alert_prepare(topic_name=TOPIC, item_id=release.pk):
        alert_send_batch(topic_name=TOPIC, item_id=release.pk, first=first, last=last)
    assert Delivery.objects.filter(status=DeliveryStatus.FAILED).count() == 2
    assert len(mail.outbox) == 1
    return release


def deliver_what_is_queued(release):
    """What a worker does with the batch queued for the item (or with a second copy of it)."""
    alert_send_batch(topic_name=TOPIC, item_id=release.pk, first=0, last=2**62)


def recipients() -> list[str]:
    return sorted(message.to[0] for message in mail.outbox)


def test_an_ir_admin_sends_the_failed_ones_again_and_each_subscriber_gets_the_alert_once(client, failed, settings):
    admin = UserFactory(roles=[IR_ADMIN])
    sign_in(client, admin)
    overview = client.get(reverse("alerts_staff:overview")).content.decode()
    assert "2 alert mails failed for good" in overview and "Send the failed ones again" in overview
    response = client.post(reverse("alerts_staff:resend_failed"), follow=True)
    assert "2 failed alert mails will be sent again." in response.content.decode()
    # A second press (or a colleague's) finds nothing left to send again.
    assert (
        "No failed alert mails were left"
        in client.post(reverse("alerts_staff:resend_failed"), follow=True).content.decode()
    )
    deliver_what_is_queued(failed)
    deliver_what_is_queued(failed)
    assert recipients() == ["holder0@example.test", "holder1@example.test", "holder2@example.test"]
    assert set(Delivery.objects.values_list("status", flat=True)) == {DeliveryStatus.SENT}
    entries = AuditEntry.objects.filter(action="alerts.resend_failed").order_by("sequence")
    assert [(entry.actor_id, entry.data["count"]) for entry in entries] == [(admin.pk, 2), (admin.pk, 0)]


@pytest.mark.django_db(transaction=True)
def test_two_admins_at_the_same_moment_put_each_failed_row_back_once(failed):
    admins = [UserFactory(roles=[IR_ADMIN]) for _ in range(2)]
    counts = in_parallel(*[lambda admin=admin: alerts_resend_failed(actor=admin) for admin in admins])
    assert sorted(counts) == [0, 2]


def test_one_items_failed_alerts_are_sent_again_from_its_row(client, failed):
    sign_in(client, UserFactory(roles=[IR_ADMIN]))
    client.post(reverse("alerts_staff:resend_failed"), {"topic": TOPIC, "item_id": failed.pk})
    assert Delivery.objects.filter(status=DeliveryStatus.PENDING).count() == 2
    assert client.post(reverse("alerts_staff:resend_failed"), {"topic": TOPIC}).status_code == 302
    assert AuditEntry.objects.filter(action="alerts.resend_failed").count() == 1


def test_compliance_may_see_the_failures_but_not_send_them_again(client, failed):
    sign_in(client, UserFactory(roles=[COMPLIANCE_REVIEWER]))
    overview = client.get(reverse("alerts_staff:overview")).content.decode()
    assert "An IR Admin can send them again." in overview
    assert client.post(reverse("alerts_staff:resend_failed")).status_code == 403
    assert Delivery.objects.filter(status=DeliveryStatus.FAILED).count() == 2
    assert AuditEntry.objects.filter(action="security.permission_denied").exists()


def test_the_operators_command_sends_them_again_audited_as_the_system(failed, capsys):
    call_command("resend_failed_alerts")
    assert "2 failed alert mails queued to be sent again." in capsys.readouterr().out
    entry = AuditEntry.objects.get(action="alerts.resend_failed")
    assert (entry.actor_id, entry.actor_label, entry.data["via"]) == (None, "system", "manage.py resend_failed_alerts")
    assert Delivery.objects.filter(status=DeliveryStatus.PENDING, attempts=0).count() == 2


def test_a_row_the_mail_server_accepted_is_never_sent_again(failed):
    from alerts.models import SentMessage

    accepted = Delivery.objects.filter(status=DeliveryStatus.FAILED).first()
    SentMessage.objects.create(message_id=accepted.message_id, delivery=accepted)
    assert alerts_resend_failed(actor=None) == 1
    assert Delivery.objects.get(pk=accepted.pk).status == DeliveryStatus.FAILED
