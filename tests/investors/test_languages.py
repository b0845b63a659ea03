"""The public site in every disclosure language: /investors/... in English, /fr/investors/... in French.

The address alone chooses the language of a public page; a language the company does not disclose in has no
pages. The console speaks the language its user chose.
"""

import datetime as dt
import logging
import re

import pytest
import time_machine
from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse, translate_url
from django.utils import timezone

from company.models import CompanyProfile
from investors.cache import PagePolicy, invalidate_public_pages
from irportal.accounts.roles import IR_AUTHOR
from tests.factories import UserFactory, sign_in
from tests.investors.conftest import publish_now
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
    invalidate_public_pages()  # as the save does once committed (the test's transaction never commits)


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
    profile = CompanyProfile.load()
    profile.disclosure_languages = ["en"]
    with django_capture_on_commit_callbacks(execute=True):  # the profile's save drops every cached copy
        profile.save()
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


# -- the language switch and the alternates ------------------------------------------------------


def switch(response) -> list[tuple[str, str, str, str]]:
    """The page's language switch: each link's address, lang, hreflang and words."""
    return re.findall(
        r'<a class="ir-language[^"]*" href="([^"]*)" lang="([^"]*)" hreflang="([^"]*)"[^>]*>([^<]*)</a>',
        response.content.decode(),
    )


def alternates(response) -> list[tuple[str, str]]:
    return re.findall(r'<link rel="alternate" hreflang="([^"]+)" href="([^"]+)">', response.content.decode())


def test_the_switch_goes_to_the_same_release_in_the_other_language_written_in_it(client, company, author, approver):
    release = publish_now(author, approver, slug="calibration-lab", headline="Halvorsen Opens a Calibration Lab")
    set_languages("en", "fr")
    english, french = "/investors/news/calibration-lab/", "/fr/investors/news/calibration-lab/"
    assert release.get_absolute_url() == english

    assert switch(client.get(english)) == [(french, "fr", "fr", "Français")]
    assert switch(client.get(french)) == [(english, "en", "en", "English")]
    for page in (english, french):
        assert alternates(client.get(page)) == [
            ("en", f"http://testserver{english}"),
            ("fr", f"http://testserver{french}"),
            ("x-default", f"http://testserver{english}"),
        ]


def test_the_switch_keeps_the_filters_the_page_reads_and_nothing_else(client, company):
    set_languages("en", "fr")
    page = client.get("/investors/news/?year=2025&utm_source=wire&page=1")
    assert switch(page) == [("/fr/investors/news/?year=2025&amp;page=1", "fr", "fr", "Français")]
    # The copy the cache kept for year and page answers the same address with other parameters unchanged.
    assert switch(client.get("/investors/news/?page=1&year=2025&utm_source=other")) == switch(page)
    search = client.get("/fr/investors/news/?q=calibration")
    assert switch(search) == [("/investors/news/?q=calibration", "en", "en", "English")]
    assert switch(client.get("/fr/investors/events/?year=2024"))[0][0] == "/investors/events/?year=2024"


def test_a_company_disclosing_in_one_language_has_no_switch_and_no_alternates(client, company):
    page = client.get("/investors/")
    assert switch(page) == [] and alternates(page) == []
    assert 'hreflang="fr"' not in page.content.decode()


# -- sitemaps and feeds ---------------------------------------------------------------------------


def test_the_sitemap_index_lists_the_sections_of_every_disclosure_language(client, company):
    sections = ("pages", "news", "events", "documents")
    english_only = client.get("/sitemap.xml").content.decode()
    assert re.findall(r"<loc>([^<]+)</loc>", english_only) == [f"http://testserver/sitemap-{s}.xml" for s in sections]
    set_languages("en", "fr")
    index = client.get("/sitemap.xml").content.decode()
    assert re.findall(r"<loc>([^<]+)</loc>", index) == [
        *(f"http://testserver/sitemap-{section}.xml" for section in sections),
        *(f"http://testserver/fr/sitemap-{section}.xml" for section in sections),
    ]


def test_each_language_s_section_lists_its_addresses_with_their_alternates(client, company, author, approver):
    publish_now(author, approver, slug="calibration-lab")
    english, french = (
        "http://testserver/investors/news/calibration-lab/",
        "http://testserver/fr/investors/news/calibration-lab/",
    )
    assert "xhtml:link" not in client.get("/sitemap-news.xml").content.decode()
    set_languages("en", "fr")
    alternates = (
        f'<xhtml:link rel="alternate" hreflang="en" href="{english}"/>'
        f'<xhtml:link rel="alternate" hreflang="fr" href="{french}"/>'
        f'<xhtml:link rel="alternate" hreflang="x-default" href="{english}"/>'
    )
    for section, address in (("/sitemap-news.xml", english), ("/fr/sitemap-news.xml", french)):
        listed = client.get(section).content.decode()
        assert 'xmlns:xhtml="http://www.w3.org/1999/xhtml"' in listed
        assert re.search(
            rf"<url><loc>{re.escape(address)}</loc><lastmod>[\d-]+</lastmod>{re.escape(alternates)}</url>", listed
        )
    pages = client.get("/fr/sitemap-pages.xml").content.decode()
    assert (
        "<url><loc>http://testserver/fr/investors/</loc>"
        '<xhtml:link rel="alternate" hreflang="en" href="http://testserver/investors/"/>'
    ) in pages


def test_the_feeds_name_their_language_and_link_to_its_pages(client, company, author, approver):
    release = publish_now(author, approver, slug="calibration-lab")
    set_languages("en", "fr")
    english = client.get("/investors/news/feed/").content.decode()
    french = client.get("/fr/investors/news/feed/").content.decode()
    assert (
        "<language>en</language>" in english
        and "<link>http://testserver/investors/news/calibration-lab/</link>" in english
    )
    assert "<language>fr</language>" in french
    assert "<link>http://testserver/fr/investors/news/calibration-lab/</link>" in french
    # The French item is another item: a reader following both feeds shows both.
    guids = re.findall(r"<guid[^>]*>([^<]+)</guid>", english)
    assert len(guids) == 1 and guids[0].startswith(f"release-{release.pk}-")
    assert re.findall(r"<guid[^>]*>([^<]+)</guid>", french) == [f"{guids[0]}-fr"]


# -- the public cache, by language -----------------------------------------------------------------


@pytest.mark.parametrize("public_cache", ["redis"], indirect=True)
def test_an_english_copy_is_never_answered_in_french_nor_a_french_one_in_english(client, company, public_cache):
    set_languages("en", "fr")
    english, french = RequestFactory().get("/investors/"), RequestFactory().get("/fr/investors/")
    assert PagePolicy().key(english) != PagePolicy().key(french)
    for first, second in (("/investors/", "/fr/investors/"), ("/fr/investors/", "/investors/")):
        invalidate_public_pages()
        rendered = {path: client.get(path) for path in (first, second)}
        for path, language in (("/investors/", "en"), ("/fr/investors/", "fr")):
            with CaptureQueriesContext(connection) as queries:
                cached = client.get(path)
            assert len(queries) == 0, path  # answered from the cache
            assert cached.content == rendered[path].content
            assert f'<html lang="{language}">' in cached.content.decode()
            assert cached["Content-Language"] == language


@pytest.mark.parametrize("public_cache", ["redis"], indirect=True)
def test_an_invalidation_drops_the_copies_of_every_language(client, company, public_cache, caplog):
    set_languages("en", "fr")
    client.get("/investors/")
    client.get("/fr/investors/")
    caplog.set_level(logging.INFO, logger="investors.cache.renders")
    invalidate_public_pages()
    client.get("/investors/")
    client.get("/fr/investors/")
    rendered = [record.getMessage() for record in caplog.records if record.name == "investors.cache.renders"]
    assert [line.split()[1] for line in rendered] == ["path=/investors/", "path=/fr/investors/"]


@pytest.mark.parametrize("public_cache", ["redis"], indirect=True)
def test_no_copy_in_any_language_outlives_an_embargo(client, embargoed, public_cache):
    set_languages("en", "fr")
    for news, link in (
        ("/investors/news/", f'href="/investors/news/{embargoed.slug}/"'),
        ("/fr/investors/news/", f'href="/fr/investors/news/{embargoed.slug}/"'),
    ):
        with time_machine.travel(embargoed.publish_at - dt.timedelta(seconds=1), tick=False):
            assert link not in client.get(news).content.decode()
            assert client.get(news.replace("news/", f"news/{embargoed.slug}/")).status_code == 404
        with time_machine.travel(embargoed.publish_at, tick=False):
            assert link in client.get(news).content.decode()
            assert client.get(news.replace("news/", f"news/{embargoed.slug}/")).status_code == 200


def test_a_french_page_reads_at_most_one_query_more_than_the_english_one(client, company, author, approver):
    """The French address checks its language against the profile: a page reads the profile for its frame anyway;
    a sitemap section or a feed may read it once more."""
    publish_now(author, approver, slug="calibration-lab")
    set_languages("en", "fr")
    for page in ("/investors/", "/investors/news/", "/investors/news/calibration-lab/"):
        english, french = queries_in_each_language(client, page)
        assert english == french, page
    for page in ("/sitemap-news.xml", "/investors/news/feed/"):
        english, french = queries_in_each_language(client, page)
        assert english <= french <= english + 1, page


def queries_in_each_language(client, page) -> tuple[int, int]:
    """The queries of an uncached render of ``page`` in English, then in French."""
    counts = []
    for address in (page, translate_url(page, "fr")):
        invalidate_public_pages()
        with CaptureQueriesContext(connection) as queries:
            assert client.get(address).status_code == 200
        counts.append(len(queries))
    return counts[0], counts[1]


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


def test_the_console_links_to_the_public_page_in_its_language_when_the_company_discloses_in_it(
    company, author, approver
):
    release = publish_now(author, approver, slug="calibration-lab")
    browser = Client()
    sign_in(browser, author)
    browser.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
    detail = browser.get(release.get_staff_url()).content.decode()
    assert 'href="/investors/news/calibration-lab/"' in detail and "/fr/investors/" not in detail
    set_languages("en", "fr")
    assert 'href="/fr/investors/news/calibration-lab/"' in browser.get(release.get_staff_url()).content.decode()
