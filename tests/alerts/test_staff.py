import datetime as dt

import pytest
from django.utils import timezone

from alerts.models import Delivery, DeliveryStatus, Subscriber, SubscriberStatus
from alerts.services import alerts_purge_unconfirmed
from irportal.accounts.roles import COMPLIANCE_REVIEWER, IR_ADMIN, IR_AUTHOR
from tests.alerts.conftest import make_subscriber
from tests.factories import UserFactory, make_company, sign_in

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("role", [COMPLIANCE_REVIEWER, IR_ADMIN])
def test_compliance_and_ir_admin_see_counts_but_no_address(client, role):
    confirmed = make_subscriber("holder@example.test", events=False)
    make_subscriber("other@example.test")
    Subscriber.objects.create(email="waiting@example.test")
    Delivery.objects.create(subscriber=confirmed, topic="release.publish", item_id=7, status=DeliveryStatus.SENT)
    sign_in(client, UserFactory(roles=[role]))
    response = client.get("/staff/alerts/")
    page = response.content.decode()
    assert response.status_code == 200
    assert response.context["subscribers"] == {
        "pending": 1,
        "confirmed": 2,
        "news": 2,
        "events": 1,
        "reports": 0,
        "unsubscribed": 0,
    }
    assert [(item["topic"], item["item_id"], item["sent"]) for item in response.context["items"]] == [
        ("release.publish", 7, 1)
    ]
    assert "@example.test" not in page


def test_an_author_may_not_see_the_alert_counts(client):
    sign_in(client, UserFactory(roles=[IR_AUTHOR]))
    assert client.get("/staff/alerts/").status_code == 403


def test_the_public_is_sent_to_sign_in(client):
    assert client.get("/staff/alerts/").status_code == 302


def test_unconfirmed_sign_ups_are_erased_once_their_link_expired(settings):
    settings.ALERTS_CONFIRM_HOURS = 48
    now = timezone.now()
    Subscriber.objects.create(email="old@example.test", confirm_requested_at=now - dt.timedelta(hours=49))
    Subscriber.objects.create(email="fresh@example.test", confirm_requested_at=now - dt.timedelta(hours=47))
    make_subscriber("confirmed@example.test").__class__.objects.filter(email="confirmed@example.test").update(
        confirm_requested_at=now - dt.timedelta(days=30)
    )
    assert alerts_purge_unconfirmed(now=now) == 1
    assert set(Subscriber.objects.values_list("email", flat=True)) == {"fresh@example.test", "confirmed@example.test"}
    assert Subscriber.objects.get(email="confirmed@example.test").status == SubscriberStatus.CONFIRMED


def test_with_two_disclosure_languages_the_counts_say_how_many_read_each(client):
    make_company(disclosure_languages=["en", "fr"])
    make_subscriber("english@example.test", language="en")
    for n in range(2):
        make_subscriber(f"french{n}@example.test", language="fr")
    Subscriber.objects.create(email="waiting@example.test", language="fr")  # not confirmed: not counted
    sign_in(client, UserFactory(roles=[IR_ADMIN]))
    response = client.get("/staff/alerts/")
    assert response.context["by_language"] == [("English", 1), ("French", 2)]
    assert "… reading French" in response.content.decode()


def test_with_one_disclosure_language_the_counts_name_none(client):
    make_company()
    make_subscriber("english@example.test")
    sign_in(client, UserFactory(roles=[IR_ADMIN]))
    response = client.get("/staff/alerts/")
    assert response.context["by_language"] == []
    assert "… reading" not in response.content.decode()
