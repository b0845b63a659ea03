"""An earnings package in a browser: four items approved together under one embargo, public together at its
second on every public surface, one alert mail per subscriber, and no member moved or withdrawn alone."""

import datetime as dt
import json
import re
import time
import zoneinfo

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from alerts.models import Delivery, Subscriber, SubscriberStatus
from irportal.accounts.roles import IR_APPROVER, IR_AUTHOR
from irportal.workflow.models import OutboxMessage
from irportal.workflow.sweep import run_sweep
from packages.models import Package
from tests.browser.conftest import acknowledge_every_warning, sign_in, whole_minute_ahead
from tests.browser.test_accessibility import violations
from tests.conftest import wait_for
from tests.events.builders import make_event
from tests.factories import PASSWORD, UserFactory, make_release
from tests.faults.stack import SMTPServer
from tests.reports.builders import make_document

pytestmark = [pytest.mark.browser, pytest.mark.redis, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def smtp(settings):
    """A real SMTP server on this machine, as the mail server the alerts go through."""
    server = SMTPServer()
    server.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", server.port
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    yield server.recorder
    server.stop()


def earnings(author):
    release = make_release(author, slug="q3-2026-results", headline="Halvorsen Reports Third Quarter 2026 Results")
    results = make_document(author, slug="q3-fy2026-results", title="Third quarter results")
    tables = make_document(author, slug="q3-fy2026-tables", title="Financial tables", kind="other")
    webcast = make_event(
        author,
        slug="q3-2026-results-call",
        title="Third Quarter 2026 Results Call",
        starts_at=timezone.now() + dt.timedelta(days=2),
    )
    return release, results, tables, webcast


def surfaces(visitor, release, results, tables, webcast) -> dict[str, tuple[int, str]]:
    """Every public address where an item of the package could show, and what it answers now (status, text)."""
    paths = [
        "/investors/",
        "/investors/news/",
        "/investors/news/?q=third+quarter",
        f"/investors/news/{release.slug}/",
        "/investors/news/feed/",
        "/investors/events/",
        f"/investors/events/{webcast.slug}/",
        f"/investors/events/{webcast.slug}.ics",
        "/investors/events.ics",
        "/investors/financials/",
        "/investors/reports/",
        "/investors/presentations/",
        results.get_absolute_url(),
        tables.get_absolute_url(),
        *(f"{document.get_absolute_url()}files/{document.files.get().token}/file" for document in (results, tables)),
        "/sitemap.xml",
    ]
    answers = {}
    for path in paths:
        response = visitor.request.get(path)
        answers[path] = (response.status, response.text() if "/files/" not in path else "")
    # The sitemap is an index: every section it names is a surface too.
    for section in re.findall(r"<loc>https?://[^/]+(/[^<]+)</loc>", answers["/sitemap.xml"][1]):
        response = visitor.request.get(section)
        answers[section] = (response.status, response.text())
    return answers


def shows(answers, release, results, tables, webcast) -> set[str]:
    """Which of the package's items any surface shows: by name, by address, or by serving its file."""
    found = set()
    marks = {
        "release": (release.headline, f"/investors/news/{release.slug}/"),
        "results": (results.get_absolute_url(),),
        "tables": (tables.get_absolute_url(),),
        "webcast": (webcast.title, f"/investors/events/{webcast.slug}/"),
    }
    for path, (status, text) in answers.items():
        for name, words in marks.items():
            if any(word in text for word in words):
                found.add(name)
        if "/files/" in path and status == 200:
            found.add("results" if results.slug in path else "tables")
    return found


def test_an_earnings_package_goes_public_as_one_at_its_second(page, browser, live_server, workflow_ready, worker, smtp):
    author = UserFactory(roles=[IR_AUTHOR], username="avery")
    approver = UserFactory(roles=[IR_APPROVER], username="morgan")
    for address, audiences in [
        ("all@investor.example", {"news": True, "events": True, "reports": True}),
        ("news@investor.example", {"news": True}),
        ("reports@investor.example", {"reports": True}),
    ]:
        Subscriber.objects.create(email=address, status=SubscriberStatus.CONFIRMED, **audiences)
    items = earnings(author)
    release, results, tables, webcast = items

    # The author puts the four items in one package and submits it: each item goes into review with it.
    sign_in(page, author.username, PASSWORD)
    page.goto("/staff/packages/new/")
    page.get_by_label("Title").fill("Q3 2026 results")
    page.get_by_label("Release", exact=True).select_option(label=f"{release.headline} (2026-11-30, draft)")
    page.get_by_label(re.compile("Third quarter results")).check()
    page.get_by_label(re.compile("Financial tables")).check()
    page.get_by_label(re.compile(webcast.title)).check()
    page.get_by_role("button", name="Save").click()
    page.wait_for_url("**/staff/packages/*/")
    expect(page.get_by_test_id("package-member")).to_have_count(4)
    page.get_by_role("button", name="Submit for review").click()
    expect(page.get_by_test_id("status")).to_have_text("In review")
    page.get_by_role("button", name="Sign out").click()

    # The approver reads the package, acknowledges each item's warnings and approves it with one embargo.
    sign_in(page, approver.username, PASSWORD)
    page.goto("/staff/packages/")
    page.get_by_role("link", name="Q3 2026 results").click()
    expect(page.get_by_test_id("package-member")).to_have_count(4)
    publish_at = whole_minute_ahead(50, zoneinfo.ZoneInfo("America/Phoenix"))
    page.get_by_label("Embargo, company time (optional)").fill(publish_at.strftime("%Y-%m-%dT%H:%M"))
    acknowledge_every_warning(page)
    page.get_by_role("button", name="Approve").click()
    # The embargo puts the release's dateline on another day: a warning of the release the page shows now.
    expect(page.get_by_test_id("refusal")).to_contain_text("The dateline says Nov. 30, 2026")
    acknowledge_every_warning(page)
    page.get_by_role("button", name="Approve").click()
    expect(page.get_by_test_id("status")).to_have_text("Approved")
    for item in items:
        item.refresh_from_db()
        assert (item.status, item.publish_at) == ("approved", publish_at)

    # The dashboard shows the package, its items and the countdown to its second.
    page.goto("/staff/")
    panel = page.get_by_test_id("packages")
    expect(panel.get_by_role("link", name="Q3 2026 results")).to_be_visible()
    expect(panel.locator("[data-countdown]")).to_have_count(1)
    expect(panel.get_by_role("link", name=webcast.title)).to_be_visible()

    # The release cannot be rescheduled or published alone: the reason is on the page, nothing changed.
    page.goto(release.get_staff_url())
    expect(page.get_by_test_id("member-of-package")).to_contain_text("Q3 2026 results")
    page.get_by_label("Publish at, company time").fill(
        whole_minute_ahead(3600, zoneinfo.ZoneInfo("America/Phoenix")).strftime("%Y-%m-%dT%H:%M")
    )
    page.get_by_role("button", name="Schedule").click()
    expect(page.locator("main")).to_contain_text("goes out with the package “Q3 2026 results”")
    page.goto(release.get_staff_url())
    page.get_by_role("button", name="Publish now").click()
    expect(page.locator("main")).to_contain_text("its items are published, rescheduled and withdrawn together")
    release.refresh_from_db()
    assert (release.status, release.publish_at) == ("approved", publish_at)

    # Before the second, no public surface shows any of them.
    visitor = browser.new_context(base_url=live_server.url)
    before = surfaces(visitor, *items)
    assert timezone.now() < publish_at, "the crawl before the embargo ran past it"
    assert shows(before, *items) == set()
    assert before[f"/investors/news/{release.slug}/"][0] == 404
    assert before[results.get_absolute_url()][0] == 404

    # At the second every one of them is public everywhere, with no sweep run.
    time.sleep(max(0.0, (publish_at - timezone.now()).total_seconds()) + 0.3)
    after = surfaces(visitor, *items)
    assert shows(after, *items) == {"release", "results", "tables", "webcast"}
    for path in (
        f"/investors/news/{release.slug}/",
        f"/investors/events/{webcast.slug}/",
        results.get_absolute_url(),
        tables.get_absolute_url(),
    ):
        assert after[path][0] == 200, path
    visitor.close()

    # Beat's sweep publishes them; one alert mail per subscriber lists the package's items.
    run_sweep()
    wait_for(lambda: len(smtp.alerts_to()) == 3, timeout=60)
    # Every publication's fan-out has run, and no delivery is left to send: nothing more will come.
    wait_for(lambda: not OutboxMessage.objects.filter(handler="alerts.fan_out", status="pending").exists(), timeout=60)
    wait_for(lambda: not Delivery.objects.exclude(status="sent").exists(), timeout=30)
    assert smtp.alerts_to() == {"all@investor.example": 1, "news@investor.example": 1, "reports@investor.example": 1}
    assert smtp.subjects_to("news@investor.example") == [f"Halvorsen Instruments, Inc.: {release.headline}"]

    # Public now, the release is withdrawn only with its package.
    page.goto(release.get_staff_url())
    page.get_by_label("Reason for the withdrawal (required, kept with the record)").fill("Figures restated")
    page.get_by_role("button", name="Withdraw").click()
    expect(page.locator("main")).to_contain_text("withdraw the package")
    release.refresh_from_db()
    assert release.status == "published"

    # The package's pages meet WCAG 2.1 AA, as the console's other pages do.
    package = Package.objects.get()
    paths = ["/staff/packages/", "/staff/packages/new/", package.get_staff_url(), "/staff/", "/staff/calendar/"]
    failing = {path: found for path in paths if (found := violations(page, path))}
    assert failing == {}, json.dumps(failing, indent=1)
