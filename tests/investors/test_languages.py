"""The public site in every disclosure language: /investors/... in English, /fr/investors/... in French.

The address alone chooses the language of a public page; a language the company does not disclose in has no
pages. The console speaks the language its user chose.
"""

import datetime as dt
import re

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import Client
from django.urls import reverse, translate_url
from django.utils import timezone

from company.models import CompanyProfile
from irportal.accounts.roles import IR_AUTHOR
from tests.factories import UserFactory, sign_in
from tests.investors.test_stock import load_prices

pytestmark = pytest.mark.django_db

# Today's addresses, which wires, feeds and search engines link to: reversing their names gives them unchanged.
UNPREFIXED = {
    ("investors:home", ()): "/investors/",
    ("news:list", ()): "/investors/news/",
    ("news:detail", ("a-release",)): "/investors/news/a-release/",
    ("news:feed", ()): "/investors/news/feed/",
    ("events:list", ()): "/investors/events/",
    ("events:detail", ("an-event",)): "/investors/events/an-event/",
    ("events:ics", ("an-event",)): "/investors/events/an-event.ics",
    ("events_calendar", ()): "/investors/events.ics",
    ("documents:detail", ("a-report",)): "/investors/documents/a-report/",
    ("investors:financials", ()): "/investors/financials/",
    ("filings:list", ()): "/investors/filings/",
    ("stock:overview", ()): "/investors/stock/",
    ("governance:board", ()): "/investors/governance/",
    ("alerts:subscribe", ()): "/investors/alerts/",
    ("sitemap", ()): "/sitemap.xml",
    ("sitemap_section", ("news",)): "/sitemap-news.xml",
    ("robots", ()): "/robots.txt",
    ("accounts:console", ()): "/staff/",
    ("healthz", ()): "/healthz",
    ("calendar_feed", ("a-token",)): "/feeds/calendar/a-token.ics",
}


def set_languages(*languages: str) -> None:
    profile = CompanyProfile.load()
    profile.disclosure_languages = list(languages)
    profile.save()


@pytest.fixture
def demo_site(settings, tmp_path):
    """The demo company with every section: releases, events, documents, governance, filings (a CIK), prices."""
    settings.VAR_DIR = tmp_path
    call_command("seed_demo")
    profile = CompanyProfile.load()
    profile.cik = "0001990217"
    profile.save()
    load_prices(timezone.localdate() - dt.timedelta(days=365), 300)


def public_pages(client) -> list[str]:
    """Every public page of the demo site in English: the sitemap's pages, one of each kind of item, the feeds,
    the calendars, the alert sign-up and the sitemap's sections."""
    listed = client.get("/sitemap-pages.xml").content.decode()
    pages = [re.sub(r"^http://testserver", "", loc) for loc in re.findall(r"<loc>([^<]+)</loc>", listed)]
    for section in ("news", "events", "documents"):
        item = re.search(r"<loc>http://testserver([^<]+)</loc>", client.get(f"/sitemap-{section}.xml").content.decode())
        pages.append(item[1])
    event = next(page for page in pages if page.startswith("/investors/events/") and page != "/investors/events/")
    pages += [
        event.rstrip("/") + ".ics",
        "/investors/events.ics",
        "/investors/news/feed/",
        "/investors/filings/feed/",
        "/investors/alerts/",
        *(f"/sitemap-{section}.xml" for section in ("pages", "news", "events", "documents")),
    ]
    return pages


def words(response) -> list[str]:
    """What a visitor reads of a page: its words and tags, whatever the blank lines between them."""
    return response.content.decode().split()


def test_reversing_the_public_names_gives_todays_addresses(company):
    set_languages("en", "fr")
    for (name, args), path in UNPREFIXED.items():
        assert reverse(name, args=args) == path


def test_every_public_page_answers_in_french_when_the_company_discloses_in_french(client, demo_site):
    set_languages("en", "fr")
    pages = public_pages(client)
    assert len(pages) >= 25, pages
    for page in pages:
        english = client.get(page)
        french = client.get(translate_url(page, "fr"))
        assert (page, english.status_code, english["Content-Language"]) == (page, 200, "en")
        assert (page, french.status_code, french["Content-Language"]) == (page, 200, "fr")
        if english["Content-Type"].startswith("text/html"):
            assert '<html lang="en">' in english.content.decode()
            assert '<html lang="fr">' in french.content.decode()


def test_french_addresses_answer_the_same_404_as_any_unknown_address_when_french_is_not_disclosed(client, demo_site):
    pages = public_pages(client)
    unknown = client.get("/investors/news/no-such-release/")
    assert unknown.status_code == 404
    for page in pages:
        assert client.get(page).status_code == 200, page
        french = client.get(translate_url(page, "fr"))
        assert (page, french.status_code, words(french)) == (page, 404, words(unknown))
        assert french["Content-Language"] == "en"


def test_a_language_the_company_stops_disclosing_in_leaves_at_once(client, company, django_capture_on_commit_callbacks):
    set_languages("en", "fr")
    assert client.get("/fr/investors/").status_code == 200
    with django_capture_on_commit_callbacks(execute=True):  # the profile's save drops every cached copy
        set_languages("en")
    assert client.get("/fr/investors/").status_code == 404
    assert client.get("/investors/").status_code == 200


def test_the_primary_language_has_no_prefix_and_other_prefixes_are_unknown(client, company):
    set_languages("en", "fr")
    for path in ("/en/investors/", "/de/investors/", "/fr/staff/", "/fr/robots.txt", "/fr/sitemap.xml"):
        assert client.get(path).status_code == 404, path


def test_the_browser_never_chooses_the_language_of_a_public_page(client, company):
    set_languages("en", "fr")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
    english = client.get("/investors/", headers={"accept-language": "fr-CA,fr;q=0.9"})
    assert english["Content-Language"] == "en" and '<html lang="en">' in english.content.decode()
    french = client.get("/fr/investors/", headers={"accept-language": "en-US"})
    assert french["Content-Language"] == "fr" and '<html lang="fr">' in french.content.decode()


def test_the_root_and_the_addresses_outside_the_public_site_keep_no_prefix(client, company):
    set_languages("en", "fr")
    assert client.get("/")["Location"] == "/investors/"
    assert client.get("/robots.txt").status_code == 200
    assert client.get("/healthz").status_code == 200
    assert client.get("/staff/login/").status_code == 200


# -- the console's language ------------------------------------------------------------------------


def test_the_console_speaks_the_language_its_user_chose_and_the_public_site_keeps_its_own(company):
    browser = Client(enforce_csrf_checks=True)
    sign_in(browser, UserFactory(roles=[IR_AUTHOR]))
    page = browser.get("/staff/")
    assert '<html lang="en">' in page.content.decode()
    assert 'data-testid="console-language"' in page.content.decode()
    token = browser.cookies[settings.CSRF_COOKIE_NAME].value

    chosen = browser.post(
        reverse("accounts:language"), {"language": "fr", "next": "/staff/"}, headers={"x-csrftoken": token}
    )

    assert chosen.status_code == 302 and chosen["Location"] == "/staff/"
    assert browser.cookies[settings.LANGUAGE_COOKIE_NAME].value == "fr"
    console = browser.get("/staff/")
    assert console["Content-Language"] == "fr" and '<html lang="fr">' in console.content.decode()
    public = browser.get("/investors/")
    assert public["Content-Language"] == "en" and '<html lang="en">' in public.content.decode()


def test_choosing_the_console_language_needs_the_csrf_token_and_a_post(company):
    browser = Client(enforce_csrf_checks=True)
    browser.get("/staff/login/")
    assert browser.post(reverse("accounts:language"), {"language": "fr", "next": "/staff/"}).status_code == 403
    assert settings.LANGUAGE_COOKIE_NAME not in browser.cookies
    assert browser.get(reverse("accounts:language")).status_code == 405


def test_the_console_is_in_the_primary_language_without_a_choice_whatever_the_browser_asks(client, company):
    page = client.get("/staff/login/", headers={"accept-language": "fr"})
    assert page["Content-Language"] == "en" and '<html lang="en">' in page.content.decode()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "xx"
    assert client.get("/staff/login/")["Content-Language"] == "en"


def test_the_sign_in_page_can_be_read_in_the_chosen_language(client, company):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
    page = client.get("/compliance/audit/", follow=True)
    assert page.redirect_chain[-1][0].startswith("/staff/login/")
    assert page["Content-Language"] == "fr" and '<html lang="fr">' in page.content.decode()
