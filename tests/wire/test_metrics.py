"""The newswire in the operator's metrics: transmissions by state, releases held for the wire and releases the
wire has not accepted ten minutes before their embargo."""

import datetime as dt

import pytest
import time_machine

from tests.ops.test_metrics import TOKEN, samples
from tests.wire.conftest import approved, embargo_in, only_transmission
from wire import services

pytestmark = pytest.mark.django_db


def test_the_scraper_sees_failures_and_releases_the_wire_keeps_waiting(
    client, company, author, approver, smtp_wire, settings
):
    settings.METRICS_TOKEN = TOKEN
    embargo = embargo_in(hours=1)
    waiting = approved(author, approver, publish_at=embargo, files=False)
    services.transmission_send(only_transmission(waiting).pk)  # sent, not accepted
    smtp_wire.reply = "554 5.7.1 Account suspended"
    failed = approved(author, approver, publish_at=embargo_in(hours=3), files=False, slug="second")
    services.transmission_send(only_transmission(failed).pk)

    def figures(moment) -> dict:
        with time_machine.travel(moment, tick=False):
            found = samples(client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}"))
        return {
            "sent": found[("irportal_wire_transmissions", (("state", "sent"),))],
            "failed": found[("irportal_wire_transmissions", (("state", "failed"),))],
            "queued": found[("irportal_wire_transmissions", (("state", "queued"),))],
            "not_accepted": found[("irportal_wire_releases_not_accepted", ())],
            "held": found[("irportal_wire_releases_held", ())],
        }

    base = {"sent": 1, "failed": 1, "queued": 0}
    assert figures(embargo - dt.timedelta(minutes=11)) == base | {"not_accepted": 0, "held": 0}
    assert figures(embargo - dt.timedelta(minutes=10)) == base | {"not_accepted": 1, "held": 0}
    assert figures(embargo) == base | {"not_accepted": 0, "held": 1}
