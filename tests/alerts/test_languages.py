"""Alerts in the subscriber's language: chosen at sign-up among the company's disclosure languages, applied by the
confirmation link, and the language of every mail to the subscriber."""

import pytest
from django.core import mail

from alerts.delivery import alert_prepare, alert_send_batch
from alerts.models import Subscriber, SubscriberStatus
from alerts.services import unsubscribe_token
from tests.alerts.conftest import alerts_to, confirm_link, make_subscriber, path_of
from tests.factories import make_company

pytestmark = pytest.mark.django_db

TOPIC = "release.publish"


@pytest.fixture
def bilingual(db):
    return make_company(disclosure_languages=["en", "fr"])


def send_all(release) -> None:
    for first, last in alert_prepare(topic_name=TOPIC, item_id=release.pk):
        alert_send_batch(topic_name=TOPIC, item_id=release.pk, first=first, last=last)


def test_with_one_disclosure_language_the_form_asks_for_none_and_the_mails_are_in_it(client, sign_up):
    make_company()
    page = client.get("/investors/alerts/")
    assert "language" not in page.context["form"].fields
    assert 'name="language"' not in page.content.decode()
    sign_up("investor@example.test", news=True, language="fr")  # not offered: not taken either
    [message] = mail.outbox
    assert message.extra_headers["Content-Language"] == "en"
    client.post(path_of(confirm_link(message)))
    assert Subscriber.objects.get().language == "en"


def test_the_form_offers_each_disclosure_language_by_its_own_name_and_starts_on_the_pages(client, bilingual):
    page = client.get("/investors/alerts/")
    field = page.context["form"]["language"]
    assert list(field.field.choices) == [("en", "English"), ("fr", "Français")]
    assert field.value() == "en"
    html = page.content.decode()
    assert 'name="language" value="fr"' in html and "Français" in html and "Language of the alerts" in html


def test_the_french_page_starts_on_french(client, bilingual):
    assert client.get("/fr/investors/alerts/").context["form"]["language"].value() == "fr"


def test_a_sign_up_on_the_french_page_is_confirmed_in_french_and_the_link_makes_french_the_alerts_language(
    client, sign_up, bilingual
):
    chosen = client.get("/fr/investors/alerts/").context["form"]["language"].value()  # what the browser posts
    response = sign_up("investor@example.test", path="/fr/investors/alerts/", news=True, language=chosen)
    assert (response.status_code, response["Location"]) == (302, "/fr/investors/alerts/requested/")
    subscriber = Subscriber.objects.get()
    assert (subscriber.requested_language, subscriber.language) == ("fr", "en")  # nothing applied before the link
    [message] = mail.outbox
    assert message.extra_headers["Content-Language"] == "fr"
    assert message.subject == "Confirmez vos alertes par courriel de Halvorsen Instruments, Inc."
    assert "  - Communiqués\n" in message.body
    assert "/fr/investors/alerts/confirm/" in confirm_link(message)
    assert "http://127.0.0.1:8000/fr/investors/alerts/" in message.body
    client.post(path_of(confirm_link(message)))
    subscriber.refresh_from_db()
    assert (subscriber.status, subscriber.language) == (SubscriberStatus.CONFIRMED, "fr")


def test_an_english_sign_up_on_the_french_page_stays_english(client, sign_up, bilingual):
    sign_up("investor@example.test", path="/fr/investors/alerts/", news=True, language="en")
    [message] = mail.outbox
    assert message.extra_headers["Content-Language"] == "en"
    assert "/fr/" not in message.body
    client.post(path_of(confirm_link(message)))
    assert Subscriber.objects.get().language == "en"


def test_a_confirmed_subscriber_changes_language_only_through_the_link(client, sign_up, bilingual):
    make_subscriber("known@example.test", language="en")
    sign_up("known@example.test", news=True, events=True, language="fr")
    [message] = mail.outbox
    assert message.extra_headers["Content-Language"] == "fr"
    assert Subscriber.objects.get().language == "en"  # someone else typing the address changes nothing
    client.post(path_of(confirm_link(message)))
    assert Subscriber.objects.get().language == "fr"


@pytest.mark.parametrize("language", ["de", "", "fr<script>", "x" * 300])
def test_a_language_not_offered_is_refused_with_a_clear_message(client, bilingual, language):
    data = {"email": "investor@example.test", "news": "on", "language": language}
    response = client.post("/investors/alerts/", data)
    assert response.status_code == 200
    assert response.context["form"].errors["language"]
    assert "<script>" not in response.content.decode()
    assert not Subscriber.objects.exists() and not mail.outbox


FRENCH = {
    "headline": "Halvorsen ouvre un centre d'étalonnage à Leeds",
    "subheadline": "Vingt emplois créés",
    "highlights": ["Ouverture le 1er février"],
    "body": "<p>Halvorsen Instruments, Inc. (Nasdaq : HLVI) ouvre un centre d'étalonnage à Leeds.</p>",
}


def test_each_subscriber_gets_one_alert_written_in_their_language(publish_release, bilingual, settings):
    settings.SITE_URL = "https://ir.halvorsen.example"
    english = make_subscriber("english@example.test", language="en")
    french = make_subscriber("french@example.test", language="fr")
    release = publish_release(
        headline="Halvorsen Opens a Calibration Centre in Leeds",
        subheadline="Twenty jobs created",
        translations={"fr": FRENCH},
    )
    send_all(release)
    [to_english], [to_french] = alerts_to("english@example.test"), alerts_to("french@example.test")
    assert len(mail.outbox) == 2
    assert to_english.extra_headers["Content-Language"] == "en"
    assert to_english.subject == "Halvorsen Instruments, Inc.: Halvorsen Opens a Calibration Centre in Leeds"
    assert "Twenty jobs created" in to_english.body
    assert f"https://ir.halvorsen.example/investors/news/{release.slug}/" in to_english.body
    assert to_french.extra_headers["Content-Language"] == "fr"
    assert to_french.subject == f"Halvorsen Instruments, Inc.\N{NO-BREAK SPACE}: {FRENCH['headline']}"
    assert "Vingt emplois créés" in to_french.body and "Twenty jobs" not in to_french.body
    assert f"https://ir.halvorsen.example/fr/investors/news/{release.slug}/" in to_french.body
    french_token = unsubscribe_token(french)
    assert (
        f"Pour vous désabonner en un clic\N{NO-BREAK SPACE}: "
        f"https://ir.halvorsen.example/fr/investors/alerts/unsubscribe/{french_token}/"
    ) in to_french.body
    assert "aux alertes suivantes\N{NO-BREAK SPACE}: communiqués" in to_french.body.replace("\n", " ")
    # One-click unsubscribing answers at the primary language's address, whatever the subscriber reads.
    for message, subscriber in ((to_english, english), (to_french, french)):
        token = unsubscribe_token(subscriber)
        assert message.extra_headers["List-Unsubscribe"].startswith(
            f"<https://ir.halvorsen.example/investors/alerts/unsubscribe/{token}/>, <mailto:"
        )


def test_a_subscriber_whose_language_the_company_no_longer_discloses_in_gets_the_primary(publish_release):
    make_company(disclosure_languages=["en"])
    make_subscriber("french@example.test", language="fr")
    send_all(publish_release(headline="Halvorsen Opens a Calibration Centre in Leeds"))
    [message] = alerts_to("french@example.test")
    assert message.extra_headers["Content-Language"] == "en"
    assert message.subject.endswith("Halvorsen Opens a Calibration Centre in Leeds")


def test_the_unsubscribe_link_of_a_french_mail_unsubscribes_on_a_french_page(client, publish_release, bilingual):
    french = make_subscriber("french@example.test", language="fr")
    send_all(publish_release(translations={"fr": FRENCH}))
    [message] = alerts_to("french@example.test")
    link = next(line.split(": ", 1)[1] for line in message.body.splitlines() if "/alerts/unsubscribe/" in line)
    assert path_of(link) == f"/fr/investors/alerts/unsubscribe/{unsubscribe_token(french)}/"
    response = client.post(path_of(link))
    assert response.status_code == 200 and response["Content-Language"] == "fr"
    assert "Votre désabonnement est confirmé" in response.content.decode()
    french.refresh_from_db()
    assert (french.status, french.email) == (SubscriberStatus.UNSUBSCRIBED, None)
