"""The dashboard's panels for compliance and for the IR Admin: the audit chain, the alert backlog."""

import pytest
from django.urls import reverse

from alerts.models import Delivery, DeliveryStatus, Subscriber
from irportal.accounts.roles import COMPLIANCE_REVIEWER, IR_ADMIN, IR_AUTHOR
from irportal.audit.health import run_verification
from irportal.audit.models import VerificationRun
from irportal.workflow.models import OutboxMessage
from tests.factories import UserFactory, sign_in

pytestmark = pytest.mark.django_db


def dashboard(client, role) -> str:
    sign_in(client, UserFactory(roles=[role]))
    return client.get(reverse("accounts:console")).content.decode()


def test_compliance_sees_when_the_chain_was_last_verified(client):
    run_verification(source=VerificationRun.Source.COMMAND)
    page = dashboard(client, COMPLIANCE_REVIEWER)
    panel = page.split('data-panel="chain"')[1].split("</section>")[0]
    assert "Chain intact: last verified" in panel
    assert 'data-panel="backlog"' not in page
    assert 'data-panel="chain"' not in dashboard(client, IR_AUTHOR)


def test_the_admin_sees_the_alert_backlog_and_failed_side_effects(client):
    subscriber = Subscriber.objects.create(email="reader@example.test")
    for item_id, status in enumerate([DeliveryStatus.PENDING, DeliveryStatus.SENDING, DeliveryStatus.FAILED]):
        Delivery.objects.create(subscriber=subscriber, topic="release.publish", item_id=item_id, status=status)
    OutboxMessage.objects.create(
        handler="alerts.fan_out", payload={}, status=OutboxMessage.Status.FAILED, redispatch_at="2026-12-01T00:00Z"
    )
    page = dashboard(client, IR_ADMIN)
    panel = page.split('data-testid="backlog"')[1].split("</dl>")[0]
    figures = [line.split(">")[-1] for line in panel.split("</dd>")[:-1]]
    assert figures == ["2", "1", "1"]
    assert 'data-panel="backlog"' not in dashboard(client, COMPLIANCE_REVIEWER)
