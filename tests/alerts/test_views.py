"""The public alert pages: double opt-in, no enumeration, rate limits, links that fail clearly."""

import datetime as dt
import hashlib

import pytest
import time_machine
from django.core import mail
from django.test import Client
from django.utils import timezone

from alerts.models import Subscriber, SubscriberStatus
from alerts.services import address_hash, unsubscribe_token
from irportal.audit.models import AuditEntry
from tests.alerts.conftest import confirm_link, make_subscriber, path_of

pytestmark = pytest.mark.django_db


def test_the_form_page_offers_news_and_events_with_a_csrf_protected_form(client):
    page = client.get("/investors/alerts/").content.decode()
    assert 'name="csrfmiddlewaretoken"' in page
    assert "News releases" in page and "Events and webcast replays" in page


def test_sign_up_sends_only_a_confirmation_and_subscribes_no_one_yet(sign_up):
    response = sign_up("Investor@Example.test", news=True)
    assert response.status_code == 302 and response["Location"] == "/investors/alerts/requested/"
    [message] = mail.outbox
    assert message.to == ["investor@example.test"]
    assert "/investors/alerts/confirm/" in message.body
    subscriber = Subscriber.objects.get()
    assert subscriber.status == SubscriberStatus.PENDING
    assert Subscriber.objects.receiving("news").count() == 0
    assert subscriber.confirm_token_hash == hashlib.sha256(confirm_link(message).split("/")[-2].encode()).hexdigest()


def test_the_confirmation_link_asks_for_a_click_and_then_applies_the_choice(client, sign_up):
    sign_up("investor@example.test", events=True)
    link = path_of(confirm_link(mail.outbox[0]))
    page = client.get(link)
    assert page.status_code == 200 and "Events and webcast replays" in page.content.decode()
    assert Subscriber.objects.get().status == SubscriberStatus.PENDING  # a mail scanner's GET changes nothing
    assert client.post(link).status_code == 200
    subscriber = Subscriber.objects.get()
    assert (subscriber.status, subscriber.news, subscriber.events) == (SubscriberStatus.CONFIRMED, False, True)


def test_confirming_needs_the_csrf_token(sign_up):
    sign_up("investor@example.test", news=True)
    strict = Client(enforce_csrf_checks=True)
    assert strict.post(path_of(confirm_link(mail.outbox[0]))).status_code == 403
    assert Subscriber.objects.get().status == SubscriberStatus.PENDING


def test_the_page_answers_the_same_for_new_pending_and_confirmed_addresses(client, sign_up):
    make_subscriber("known@example.test")
    Subscriber.objects.create(email="waiting@example.test")
    answers = [sign_up(address, news=True) for address in ("new@example.test", "waiting@example.test")]
    answers.append(sign_up("known@example.test", news=True))
    assert {(answer.status_code, answer["Location"]) for answer in answers} == {(302, "/investors/alerts/requested/")}
    assert len(mail.outbox) == 3  # one mail to each address, whatever its state


def test_an_already_confirmed_address_gets_a_harmless_mail_and_keeps_its_alerts_until_it_confirms(client, sign_up):
    make_subscriber("known@example.test", news=True, events=False)
    sign_up("known@example.test", events=True)
    [message] = mail.outbox
    assert "already receives email alerts" in message.body
    subscriber = Subscriber.objects.get()
    assert (subscriber.status, subscriber.news, subscriber.events) == (SubscriberStatus.CONFIRMED, True, False)
    client.post(path_of(confirm_link(message)))
    subscriber.refresh_from_db()
    assert (subscriber.news, subscriber.events) == (False, True)


COMPLETE = "Enter a complete email address"


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        ("not-an-address", COMPLETE),
        ("a@", COMPLETE),
        ("@example.test", COMPLETE),
        ("a b@example.test", COMPLETE),
        ("<script>@example.test", COMPLETE),
        ("x" * 250 + "@e.test", "at most 254 characters"),
        ("", "This field is required"),
    ],
)
def test_a_malformed_address_is_refused_with_a_clear_message(client, bad, message):
    response = client.post("/investors/alerts/", {"email": bad, "news": "on"})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Subscriber.objects.exists() and not mail.outbox


def test_choosing_nothing_is_refused(client):
    response = client.post("/investors/alerts/", {"email": "investor@example.test"})
    assert "Choose news releases, events, financial reports, or more than one." in response.content.decode()
    assert not Subscriber.objects.exists()


def test_a_replayed_confirmation_link_is_refused_clearly(client, sign_up):
    sign_up("investor@example.test", news=True)
    link = path_of(confirm_link(mail.outbox[0]))
    client.post(link)
    for response in (client.get(link), client.post(link)):
        assert response.status_code == 400
        assert "already been used" in response.content.decode()


@pytest.mark.parametrize("token", ["forged", "A" * 43, "<script>alert(1)</script>", "' OR 1=1 --", "%00", "x" * 5000])
def test_a_forged_confirmation_token_is_refused_clearly(client, token):
    make_subscriber("investor@example.test", status=SubscriberStatus.PENDING)
    for response in (
        client.get(f"/investors/alerts/confirm/{token}/"),
        client.post(f"/investors/alerts/confirm/{token}/"),
    ):
        assert response.status_code in (400, 404)
        assert "<script>alert(1)</script>" not in response.content.decode()
    assert Subscriber.objects.get().status == SubscriberStatus.PENDING


def test_a_confirmation_link_expires(client, sign_up, settings):
    settings.ALERTS_CONFIRM_HOURS = 48
    sign_up("investor@example.test", news=True)
    link = path_of(confirm_link(mail.outbox[0]))
    with time_machine.travel(timezone.now() + dt.timedelta(hours=48, seconds=1)):
        response = client.post(link)
    assert response.status_code == 400 and "expired" in response.content.decode()
    assert Subscriber.objects.get().status == SubscriberStatus.PENDING


def test_a_new_sign_up_replaces_the_earlier_link(client, sign_up):
    sign_up("investor@example.test", news=True)
    sign_up("investor@example.test", news=True)
    first, second = (path_of(confirm_link(message)) for message in mail.outbox)
    assert client.post(first).status_code == 400
    assert client.post(second).status_code == 200


def test_sign_ups_are_limited_per_address(sign_up, settings):
    settings.ALERTS_RATE_LIMIT_PER_ADDRESS = 2
    assert [sign_up("target@example.test", news=True).status_code for _ in range(3)] == [302, 302, 429]
    response = sign_up("TARGET@example.test", news=True)
    assert response.status_code == 429
    assert "Too many sign-up requests" in response.content.decode()
    assert response["Retry-After"] == str(settings.ALERTS_RATE_LIMIT_WINDOW)
    assert len(mail.outbox) == 2
    assert sign_up("someone-else@example.test", news=True).status_code == 302


def test_sign_ups_are_limited_per_ip_and_the_limit_resets_after_the_window(sign_up, settings):
    settings.ALERTS_RATE_LIMIT_PER_IP = 3
    with time_machine.travel(dt.datetime(2026, 12, 1, 10, 0, tzinfo=dt.UTC)):
        codes = [sign_up(f"holder{n}@example.test", news=True).status_code for n in range(4)]
    assert codes == [302, 302, 302, 429]
    with time_machine.travel(dt.datetime(2026, 12, 1, 11, 0, 1, tzinfo=dt.UTC)):
        assert sign_up("holder9@example.test", news=True).status_code == 302


def test_audit_entries_carry_a_hash_of_the_address_never_the_address(client, sign_up):
    sign_up("investor@example.test", news=True)
    client.post(path_of(confirm_link(mail.outbox[0])))
    subscriber = Subscriber.objects.get()
    client.post(f"/investors/alerts/unsubscribe/{unsubscribe_token(subscriber)}/")
    entries = list(AuditEntry.objects.filter(object_type="alerts.subscriber").order_by("sequence"))
    assert [entry.action for entry in entries] == ["alerts.subscribe", "alerts.confirm", "alerts.unsubscribe"]
    assert {entry.data["address_hash"] for entry in entries} == {address_hash("investor@example.test")}
    assert all("investor@example.test" not in str(entry.data) + entry.object_label for entry in entries)


def test_unsubscribe_get_shows_a_button_and_post_unsubscribes_without_csrf_or_login():
    subscriber = make_subscriber("investor@example.test")
    strict = Client(enforce_csrf_checks=True)
    url = f"/investors/alerts/unsubscribe/{unsubscribe_token(subscriber)}/"
    page = strict.get(url)
    assert page.status_code == 200 and 'method="post"' in page.content.decode()
    subscriber.refresh_from_db()
    assert subscriber.status == SubscriberStatus.CONFIRMED
    response = strict.post(url, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded")
    assert response.status_code == 200
    subscriber.refresh_from_db()
    assert (subscriber.status, subscriber.email, subscriber.news) == (SubscriberStatus.UNSUBSCRIBED, None, False)
    assert strict.post(url).status_code == 200  # the same click again: still unsubscribed, no error


@pytest.mark.parametrize("token", ["forged", "MQ:forgedsignature", "<b>x</b>", "x" * 3000])
def test_a_forged_unsubscribe_link_is_refused_clearly(client, token):
    subscriber = make_subscriber("investor@example.test")
    for response in (
        client.get(f"/investors/alerts/unsubscribe/{token}/"),
        client.post(f"/investors/alerts/unsubscribe/{token}/"),
    ):
        assert response.status_code in (400, 404)
    subscriber.refresh_from_db()
    assert subscriber.status == SubscriberStatus.CONFIRMED


def test_a_confirmation_link_cannot_revive_an_unsubscribed_address(client, sign_up):
    sign_up("investor@example.test", news=True)
    link = path_of(confirm_link(mail.outbox[0]))
    subscriber = Subscriber.objects.get()
    client.post(f"/investors/alerts/unsubscribe/{unsubscribe_token(subscriber)}/")
    assert client.post(link).status_code == 400
    assert Subscriber.objects.get().status == SubscriberStatus.UNSUBSCRIBED


def test_nothing_on_the_public_pages_shows_an_address(client, sign_up):
    sign_up("investor@example.test", news=True)
    for path in ("/investors/alerts/", "/investors/alerts/requested/", path_of(confirm_link(mail.outbox[0]))):
        assert "investor@example.test" not in client.get(path).content.decode()


def test_the_address_hash_is_an_hmac_sha256_keyed_with_the_secret_key(settings):
    import hashlib
    import hmac

    key = hashlib.sha256(b"irportal.alerts.address" + settings.SECRET_KEY.encode()).digest()
    expected = hmac.new(key, b"investor@example.test", hashlib.sha256).hexdigest()
    assert address_hash(" Investor@Example.test ") == expected
