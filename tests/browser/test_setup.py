"""The company's IR Admin makes a demo portal theirs: the set-up page from the dashboard, the demo removed."""

import time

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from company.models import DemoAccount
from company.services import company_profile_update
from irportal.accounts.roles import IR_ADMIN
from irportal.audit.models import AuditEntry
from releases.models import Release
from tests.browser.conftest import sign_in
from tests.company.test_setup import OWN_COMPANY
from tests.factories import PASSWORD, UserFactory, enrol_totp, make_approval_step, totp_code

pytestmark = pytest.mark.browser

DEMO_HEADLINE = "Halvorsen Instruments Reports Third Quarter 2026 Results"


def test_the_ir_admin_follows_the_set_up_page_and_removes_the_demo_with_a_second_factor(
    page, transactional_db, settings, tmp_path
):
    settings.VAR_DIR = tmp_path
    make_approval_step()  # as migrations leave it; a flush between transactional tests removes it
    call_command("seed_demo")
    company_profile_update(actor=None, **OWN_COMPANY)
    admin = UserFactory(roles=[IR_ADMIN], username="lortiz")
    page.goto("/investors/news/")
    expect(page.get_by_role("main")).to_contain_text(DEMO_HEADLINE)

    sign_in(page, admin.username, PASSWORD)
    panel = page.locator('[data-panel="setup"]')
    expect(panel).to_contain_text("Make this portal yours")
    expect(panel.locator('[data-step="demo"]')).to_contain_text("Not done")
    page.get_by_role("navigation").get_by_role("link", name="Make this portal yours").click()
    page.wait_for_url("**/staff/company/set-up/")
    expect(page.locator('[data-step="profile"]')).to_contain_text("Done")
    expect(page.get_by_test_id("demo-left")).to_contain_text("6 releases")

    # The second factor, checked at sign-in, has grown old: it is asked for again, then the demo goes in one step.
    settings.MFA_STEP_UP_SECONDS = 2
    time.sleep(2.5)
    page.get_by_role("button", name="Remove the demo content").click()
    expect(page.get_by_role("heading", name="Confirm with your second factor")).to_be_visible()
    device = enrol_totp(admin)
    type(device).objects.filter(pk=device.pk).update(last_t=-1)
    page.get_by_label("Code").fill(totp_code(device))
    page.get_by_role("button", name="Confirm and remove the demo content").click()
    page.wait_for_url("**/staff/company/set-up/")
    expect(page.get_by_role("main")).to_contain_text("The demo content was removed")
    expect(page.locator('[data-step="demo"]')).to_contain_text("Done")

    assert not Release.objects.exists() and not DemoAccount.objects.exists()
    assert AuditEntry.objects.get(action="company.demo_remove").actor_id == admin.pk
    page.goto("/investors/news/")
    expect(page.get_by_role("main")).not_to_contain_text("Halvorsen")
