"""A release in English and French, in Chromium: written in English alone, its approval is refused naming the
French text missing; with the French added it is approved with an embargo, and neither language is public on any
surface before the second; from the second both are, the language switch leads from one to the other, and both
pages pass axe."""

import time
import zoneinfo

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from irportal.accounts.roles import IR_APPROVER, IR_AUTHOR
from irportal.workflow.models import State
from releases.models import Release
from tests.browser.conftest import acknowledge_every_warning, sign_in, whole_minute_ahead
from tests.browser.test_accessibility import violations
from tests.factories import PASSWORD, UserFactory, make_approval_step, make_company

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHOENIX = zoneinfo.ZoneInfo("America/Phoenix")
SLUG = "halvorsen-opens-tempe-laboratory"
ENGLISH = {
    "headline": "Halvorsen Instruments Opens Calibration Laboratory in Tempe",
    "highlights": "Forty technicians from spring 2027",
    "body": "Halvorsen Instruments today opened a calibration laboratory for metrology customers.",
}
FRENCH = {
    "headline": "Halvorsen Instruments inaugure un laboratoire de métrologie à Tempe",
    "highlights": "Quarante techniciens dès le printemps 2027",
    "body": "Halvorsen Instruments a inauguré ce jour un laboratoire pour ses clients de métrologie.",
}
# Every public surface, in each language: the Investor page, the archive and its search, the feed, the sitemaps.
SURFACES = [
    "/investors/",
    "/investors/news/",
    "/investors/news/?q=calibration+laboratory",
    "/investors/news/feed/",
    "/fr/investors/",
    "/fr/investors/news/",
    "/fr/investors/news/?q=laboratoire+techniciens",
    "/fr/investors/news/feed/",
    "/sitemap.xml",
    "/sitemap-news.xml",
]
PAGES = {"en": f"/investors/news/{SLUG}/", "fr": f"/fr/investors/news/{SLUG}/"}


@pytest.fixture
def bilingual(transactional_db):
    make_approval_step()
    return make_company(disclosure_languages=["en", "fr"], dateline_city="Tempe", dateline_region="Ariz.")


def write_rich_text(page, editor, text):
    editor.click()
    page.keyboard.type(text)


def status_and_text(visitor, path) -> tuple[int, str]:
    response = visitor.request.get(path)
    return response.status, response.text()


def test_a_release_goes_out_in_english_and_french_at_one_second_or_not_at_all(page, browser, live_server, bilingual):
    author = UserFactory(roles=[IR_AUTHOR], username="avery")
    approver = UserFactory(roles=[IR_APPROVER], username="morgan")

    # The author writes the release in English only and submits it.
    sign_in(page, author.username, PASSWORD)
    page.goto("/staff/releases/new/")
    expect(page.get_by_test_id("translation-fr").locator("legend")).to_have_text("Français")
    page.locator("#id_headline").fill(ENGLISH["headline"])
    page.locator("#id_highlights").fill(ENGLISH["highlights"])
    page.get_by_label("Slug").fill(SLUG)
    write_rich_text(page, page.locator(".jodit-wysiwyg").first, ENGLISH["body"])
    page.get_by_role("button", name="Save").click()
    page.wait_for_url("**/staff/releases/*/")
    release = Release.objects.get(slug=SLUG)
    page.get_by_role("button", name="Submit for review").click()
    expect(page.get_by_test_id("status")).to_have_text("In review")
    page.get_by_role("button", name="Sign out").click()

    # The approver reads the blocker; the approval, sent anyway, is refused naming the French text missing.
    sign_in(page, approver.username, PASSWORD)
    page.goto(f"/staff/releases/{release.pk}/")
    missing = "French text missing: Headline, Highlights, Body"
    expect(page.get_by_test_id("checks").locator('[data-check="translation-fr"]')).to_contain_text(missing)
    expect(page.get_by_test_id("language-fr").get_by_test_id("language-missing")).to_be_visible()
    approve = page.get_by_test_id("approve-form")
    expect(approve.get_by_role("button", name="Approve")).to_be_disabled()
    acknowledge_every_warning(page)
    with page.expect_navigation():
        approve.evaluate("form => form.submit()")
    expect(page.get_by_text(f"Cannot approve yet: {missing}")).to_be_visible()
    release.refresh_from_db()
    assert (release.status, release.approved_revision) == (State.IN_REVIEW, None)
    page.goto(f"/staff/releases/{release.pk}/")
    page.get_by_label("What needs to change (required)").fill("Add the French text.")
    page.get_by_role("button", name="Request changes").click()
    expect(page.get_by_test_id("status")).to_have_text("Draft")
    page.get_by_role("button", name="Sign out").click()

    # The author adds the French and submits again.
    sign_in(page, author.username, PASSWORD)
    page.goto(f"/staff/releases/{release.pk}/edit/")
    french = page.get_by_test_id("translation-fr")
    french.locator("#id_fr-headline").fill(FRENCH["headline"])
    french.locator("#id_fr-highlights").fill(FRENCH["highlights"])
    write_rich_text(page, french.locator(".jodit-wysiwyg"), FRENCH["body"])
    page.get_by_role("button", name="Save").click()
    page.wait_for_url(f"**/staff/releases/{release.pk}/")
    expect(page.get_by_test_id("language-fr").locator("h1")).to_have_text(FRENCH["headline"])
    page.get_by_role("button", name="Submit for review").click()
    expect(page.get_by_test_id("status")).to_have_text("In review")
    page.get_by_role("button", name="Sign out").click()

    # The approver approves both languages together, with an embargo.
    sign_in(page, approver.username, PASSWORD)
    page.goto(f"/staff/releases/{release.pk}/")
    expect(page.get_by_test_id("checks").locator('[data-check="translation-fr"]')).to_have_count(0)
    embargo = whole_minute_ahead(30, PHOENIX)
    page.get_by_label("Embargo, company time (optional)").fill(embargo.strftime("%Y-%m-%dT%H:%M"))
    acknowledge_every_warning(page)
    page.get_by_test_id("approve-form").get_by_role("button", name="Approve").click()
    if page.get_by_test_id("refusal").count():  # the hour of the embargo raised a warning of its own
        acknowledge_every_warning(page)
        page.get_by_test_id("approve-form").get_by_role("button", name="Approve").click()
    expect(page.get_by_test_id("status")).to_have_text("Approved")
    release.refresh_from_db()
    assert release.approved_revision.content["translations"]["fr"]["headline"] == FRENCH["headline"]

    # Before the second neither language is anywhere: the item is 404 at both addresses, and no surface in
    # either language names it.
    visitor = browser.new_context(base_url=live_server.url).new_page()
    for path in PAGES.values():
        assert visitor.goto(path).status == 404, path
    for path in SURFACES:
        status, text = status_and_text(visitor, path)
        assert status == 200, path
        for words in (ENGLISH["headline"], FRENCH["headline"], SLUG):
            assert words not in text, (path, words)
    assert timezone.now() < embargo, "the crawl ran past the embargo: give the test more time"

    # From the second both are public: the same revision, each in its language, on every surface.
    time.sleep(max(0.0, (embargo - timezone.now()).total_seconds()) + 0.2)
    for language, path in PAGES.items():
        assert visitor.goto(path).status == 200, path
        expected = (ENGLISH if language == "en" else FRENCH)["headline"]
        expect(visitor.locator("#release-headline")).to_have_text(expected)
        expect(visitor.locator("html")).to_have_attribute("lang", language)
    for path, headline in [
        ("/investors/news/?q=calibration+laboratory", ENGLISH["headline"]),
        ("/investors/news/feed/", ENGLISH["headline"]),
        ("/fr/investors/news/?q=laboratoire+techniciens", FRENCH["headline"]),
        ("/fr/investors/news/feed/", FRENCH["headline"]),
        ("/fr/investors/", FRENCH["headline"]),
    ]:
        assert headline in status_and_text(visitor, path)[1], path
    assert SLUG in status_and_text(visitor, "/sitemap-news.xml")[1]

    # The language switch leads from one version to the other.
    visitor.goto(PAGES["en"])
    visitor.get_by_test_id("language-switch").click()
    visitor.wait_for_url(f"**{PAGES['fr']}")
    expect(visitor.locator("#release-headline")).to_have_text(FRENCH["headline"])
    expect(visitor.locator(".ir-body")).to_contain_text(FRENCH["body"])
    visitor.get_by_test_id("language-switch").click()
    visitor.wait_for_url(f"**{PAGES['en']}")
    expect(visitor.locator("#release-headline")).to_have_text(ENGLISH["headline"])

    # Both pages pass axe.
    for path in PAGES.values():
        assert violations(visitor, path) == [], path
    visitor.context.close()
