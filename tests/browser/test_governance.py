"""Governance in the browser: a board change approved with an embargo reaches the board page and the committee
matrix at its second and not before; every governance page passes axe."""

import time
import zoneinfo

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from governance.models import Person
from irportal.accounts.roles import IR_APPROVER, IR_AUTHOR
from tests.browser.conftest import approve_acknowledging_every_warning, sign_in, whole_minute_ahead
from tests.browser.test_accessibility import violations
from tests.factories import PASSWORD, UserFactory
from tests.governance.builders import photo_upload, published_committee, published_person
from tests.governance.test_public_pages import PAGES, _charter

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_new_director_approved_with_an_embargo_joins_the_board_and_the_matrix_at_the_second(
    page, browser, live_server, workflow_ready
):
    author = UserFactory(roles=[IR_AUTHOR], username="avery")
    approver = UserFactory(roles=[IR_APPROVER], username="morgan")
    audit = published_committee(author, approver, name="Audit Committee")
    # Listed before the new director (the console's default order is 10), whatever the builders' counter has reached.
    published_person(
        author, approver, name="Marguerite Olsson", board_title="Chair of the Board", committees=[audit], order=1
    )

    sign_in(page, author.username, PASSWORD)
    page.goto("/staff/people/new/")
    page.get_by_label("Name").fill("Noor Castellane")
    page.get_by_label("Board title").fill("Director")
    page.get_by_label("Independent").check()
    page.locator(f'input[name="committees"][value="{audit.pk}"]').check()
    page.locator(f'input[name="chairs"][value="{audit.pk}"]').check()
    page.get_by_label("Serving since").fill("2026-12-08")
    page.get_by_role("button", name="Save").click()
    page.get_by_role("button", name="Submit for review").click()
    expect(page.get_by_test_id("status")).to_have_text("In review")
    page.get_by_role("button", name="Sign out").click()

    sign_in(page, approver.username, PASSWORD)
    publish_at = whole_minute_ahead(12, zoneinfo.ZoneInfo("America/Phoenix"))
    page.goto(Person.objects.get(name="Noor Castellane").get_staff_url())
    page.get_by_label("Embargo, company time (optional)").fill(publish_at.strftime("%Y-%m-%dT%H:%M"))
    approve_acknowledging_every_warning(page)
    expect(page.get_by_test_id("status")).to_have_text("Approved")

    visitor = browser.new_context(base_url=live_server.url).new_page()
    visitor.goto("/investors/governance/")
    expect(visitor.get_by_test_id("person")).to_have_count(1)
    visitor.goto("/investors/governance/committees/")
    matrix = visitor.get_by_test_id("committee-matrix")
    expect(matrix.get_by_role("rowheader")).to_have_text(["Marguerite Olsson"])
    assert timezone.now() < publish_at
    time.sleep(max(0.0, (publish_at - timezone.now()).total_seconds()) + 0.2)

    # No sweep has run: the embargo alone decides, through the public cache.
    visitor.goto("/investors/governance/")
    expect(visitor.get_by_role("heading", name="Noor Castellane")).to_be_visible()
    expect(visitor.get_by_test_id("independent")).to_have_count(2)
    visitor.goto("/investors/governance/committees/")
    expect(matrix.get_by_role("rowheader")).to_have_text(["Marguerite Olsson", "Noor Castellane"])
    chair_row = matrix.get_by_role("row").filter(has=visitor.get_by_role("rowheader", name="Noor Castellane"))
    expect(chair_row.get_by_title("Chair")).to_be_visible()
    expect(visitor.get_by_test_id("committee-members")).to_have_text(
        "Members: Noor Castellane (chair), Marguerite Olsson"
    )
    assert Person.objects.get(name="Noor Castellane").status == "approved"
    visitor.context.close()


def test_the_governance_pages_have_no_wcag_violations(page, workflow_ready):
    author = UserFactory(roles=[IR_AUTHOR])
    approver = UserFactory(roles=[IR_APPROVER])
    audit = published_committee(author, approver, name="Audit Committee", charter=_charter(author, approver))
    pay = published_committee(author, approver, name="Compensation Committee")
    published_person(
        author,
        approver,
        name="Ingrid Halvorsen",
        management_title="President and Chief Executive Officer",
        committees=[audit, pay],
        chairs=[pay],
        independent=False,
        photo=photo_upload("Ingrid Halvorsen"),
        biography="<p>Founded the company in 2004.</p><ul><li>Engineer</li></ul>",
    )
    published_person(author, approver, name="Desmond Achebe", committees=[audit], chairs=[audit])
    for path in PAGES:
        assert violations(page, path) == [], path
