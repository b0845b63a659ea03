"""WCAG 2.1 AA, checked by axe-core in Chromium on every public page and the main staff pages."""

import datetime as dt
import json

import pytest
from django.templatetags.static import static
from django.utils import timezone

from irportal.accounts.roles import COMPLIANCE_REVIEWER, IR_ADMIN, IR_APPROVER, IR_AUTHOR
from releases.checks import CODES as EVERY_WARNING
from releases.models import Audience
from releases.services import boilerplate_save
from releases.workflow import release_approve, release_publish, release_submit, release_withdraw
from tests.browser.conftest import sign_in
from tests.factories import PASSWORD, MediaContactFactory, UserFactory, make_release

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# The vendored file, loaded from the site's own static files: the pages' content security policy
# (script-src 'self') is left on, so axe sees them exactly as visitors do.
AXE = "vendor/axe-core/axe.min.js"
WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]

RUN_AXE = """
async (tags) => {
  const result = await axe.run(document, {runOnly: {type: "tag", values: tags}});
  return result.violations.map((violation) => ({
    id: violation.id,
    help: violation.help,
    nodes: violation.nodes.map((node) => node.target.join(" ") + " :: " + node.failureSummary),
  }));
}
"""


def violations(page, path: str) -> list[dict]:
    response = page.goto(path)
    assert response is not None
    page.wait_for_load_state("load")
    page.add_script_tag(url=static(AXE))
    return page.evaluate(RUN_AXE, WCAG_AA)


@pytest.fixture
def site(workflow_ready):
    """A company with contacts, an About text and releases in the states the public and staff see."""
    author = UserFactory(roles=[IR_AUTHOR], username="avery")
    approver = UserFactory(roles=[IR_APPROVER], username="morgan")
    everyone = UserFactory(roles=[IR_AUTHOR, IR_APPROVER, COMPLIANCE_REVIEWER, IR_ADMIN], username="jordan")
    about = boilerplate_save(
        actor=everyone,
        pk=None,
        name="About Halvorsen",
        kind="about",
        title="About Halvorsen Instruments",
        text="<p>Halvorsen Instruments builds calibration systems for laboratories.</p>",
        is_default=True,
    )
    MediaContactFactory(name="Dana Ferreira", audience=Audience.INVESTORS)
    MediaContactFactory(name="Priya Natarajan", audience=Audience.MEDIA)
    releases = {}
    for slug, headline in [
        ("q3-results", "Halvorsen Instruments Reports Third Quarter Results"),
        ("withdrawn-note", "Halvorsen Instruments Corrects a Date"),
    ]:
        release = make_release(author, slug=slug, headline=headline, about=about)
        release_submit(release_id=release.pk, actor=author)
        release_approve(acknowledged=EVERY_WARNING, release_id=release.pk, actor=approver)
        releases[slug] = release_publish(release_id=release.pk, actor=approver)
    release_withdraw(release_id=releases["withdrawn-note"].pk, actor=approver, reason="Issued in error")
    embargoed = make_release(author, slug="embargoed", headline="Halvorsen Instruments to Present at a Conference")
    release_submit(release_id=embargoed.pk, actor=author)
    release_approve(
        acknowledged=EVERY_WARNING,
        release_id=embargoed.pk,
        actor=approver,
        publish_at=timezone.now() + dt.timedelta(days=1),
    )
    releases["embargoed"] = embargoed
    return {"releases": releases, "staff": everyone}


PUBLIC_PAGES = [
    "/investors/",
    "/investors/news/",
    "/investors/news/?q=quarter",
    "/investors/news/?page=99",
    "/investors/news/q3-results/",
    "/investors/news/withdrawn-note/",
    "/investors/news/no-such-release/",
    "/staff/login/",
]


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_public_pages_have_no_wcag_violations(page, site, path):
    assert violations(page, path) == []


def staff_pages(site) -> list[str]:
    release = site["releases"]["q3-results"]
    return [
        "/staff/",
        "/staff/releases/",
        f"/staff/releases/{release.pk}/",
        f"/staff/releases/{site['releases']['embargoed'].pk}/",
        "/staff/releases/new/",
        f"/staff/releases/{release.pk}/edit/",
        "/staff/releases/contacts/",
        "/staff/company/",
        "/staff/company/set-up/",
        "/compliance/audit/",
        "/compliance/audit/1/",
    ]


def test_staff_pages_have_no_wcag_violations(page, site):
    sign_in(page, site["staff"].username, PASSWORD)
    found = {path: violations(page, path) for path in staff_pages(site)}
    failing = {path: found_here for path, found_here in found.items() if found_here}
    assert failing == {}, json.dumps(failing, indent=1)


def test_the_skip_link_is_the_first_stop_and_moves_focus_to_the_content(page, site):
    page.goto("/investors/")
    page.keyboard.press("Tab")
    skip = page.locator(":focus")
    assert skip.inner_text() == "Skip to main content"
    assert skip.is_visible()
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"


def test_the_archive_search_works_from_the_keyboard(page, site):
    page.goto("/investors/news/")
    page.get_by_label("Search news releases").focus()
    page.keyboard.type("third quarter")
    page.keyboard.press("Enter")
    page.wait_for_url("**/investors/news/?q=third+quarter")
    assert page.get_by_role("link", name="Halvorsen Instruments Reports Third Quarter Results").is_visible()


def test_the_check_itself_catches_a_violation(page, site):
    """An image without alternative text, added to a clean page, is reported: the check is live."""
    page.goto("/investors/")
    page.evaluate("""() => { const img = document.createElement("img"); img.src = "/static/img/favicon.svg";
                     document.querySelector("main").appendChild(img); }""")
    page.add_script_tag(url=static(AXE))
    assert "image-alt" in [violation["id"] for violation in page.evaluate(RUN_AXE, WCAG_AA)]


@pytest.mark.parametrize("path", ["/investors/", "/investors/news/", "/investors/news/q3-results/"])
def test_public_pages_reflow_at_320_pixels_without_sideways_scrolling(page, site, path):
    """WCAG 1.4.10: content reflows in a 320 CSS pixel wide window."""
    page.set_viewport_size({"width": 320, "height": 640})
    page.goto(path)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_the_investor_page_prints_without_navigation(page, site):
    page.goto("/investors/")
    page.emulate_media(media="print")
    assert not page.get_by_role("navigation", name="Investor information").is_visible()
    assert not page.get_by_role("heading", name="Stay informed").is_visible()
    assert page.get_by_role("heading", name="Latest news").is_visible()
    assert page.get_by_role("heading", name="Contacts").is_visible()
