import subprocess
import sys
from pathlib import Path

import pytest
from playwright.sync_api import expect

from irportal.accounts.roles import COMPLIANCE_REVIEWER
from irportal.audit.models import AuditEntry
from irportal.audit.services import audit_record
from tests.browser.conftest import sign_in
from tests.factories import PASSWORD, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TOOL = Path(__file__).resolve().parents[2] / "tools" / "verify_audit_export.py"
CONTENT_CHANGING_URLS = ["/staff/users/new/", "/staff/users/", "/staff/company/"]


@pytest.fixture
def release_history():
    for object_id in ("21", "22"):
        for action in ("release.create", "release.edit", "release.submit"):
            audit_record(
                action=action,
                object_type="releases.release",
                object_id=object_id,
                object_label=f"Halvorsen to present at investor conference ({object_id})",
                changes={"headline": {"before": "Draft headline", "after": "Final headline"}}
                if action == "release.edit"
                else {},
            )


def test_reviewer_filters_to_one_release_opens_an_entry_exports_and_cannot_change_anything(
    page, release_history, tmp_path
):
    reviewer = UserFactory(roles=[COMPLIANCE_REVIEWER])
    sign_in(page, reviewer.username, PASSWORD)
    page.get_by_test_id("staff-nav").get_by_role("link", name="Audit log").click()
    page.get_by_label("Object type").fill("releases.release")
    page.get_by_label("Object id").fill("22")
    page.get_by_role("button", name="Filter").click()
    page.wait_for_url("**object_id=22**")
    rows = page.get_by_test_id("audit-entries").locator("tbody tr")
    expect(rows).to_have_count(3)
    assert all("releases.release 22" in text for text in rows.all_inner_texts())

    edit_sequence = AuditEntry.objects.get(action="release.edit", object_id="22").sequence
    page.get_by_role("link", name=f"Entry {edit_sequence}").click()
    changes = page.get_by_test_id("entry-changes")
    assert "Draft headline" in changes.inner_text()
    assert "Final headline" in changes.inner_text()
    assert "matches the content" in page.get_by_test_id("entry-hashes").inner_text()
    page.go_back()

    with page.expect_download() as download_info:
        page.get_by_test_id("export-jsonl").click()
    exported = tmp_path / "export.jsonl"
    download_info.value.save_as(exported)
    lines = exported.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 3
    result = subprocess.run(
        [sys.executable, str(TOOL), str(exported), "--filtered"], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    assert AuditEntry.objects.filter(action="audit.export", actor_id=reviewer.pk).count() == 1

    for path in (page.url, "/compliance/audit/insiders/"):
        page.goto(path)
        assert page.locator("form[method=post]").count() == 1  # sign out, nothing else
    for path in CONTENT_CHANGING_URLS:
        response = page.goto(path)
        assert response.status == 403
        expect(page.get_by_text("You are not allowed to do this")).to_be_visible()
    denials = AuditEntry.objects.filter(action="security.permission_denied", actor_id=reviewer.pk)
    assert sorted(denial.data["path"] for denial in denials) == sorted(CONTENT_CHANGING_URLS)


def test_failed_verification_is_an_alarm_the_reviewer_sees(page):
    from irportal.audit.health import run_verification
    from tests.conftest import audit_guards_lifted

    for _ in range(3):
        audit_record(action="auth.logout")
    with audit_guards_lifted() as cursor:
        cursor.execute("DELETE FROM audit_auditentry WHERE sequence = 2")
    run_verification(source="schedule")
    reviewer = UserFactory(roles=[COMPLIANCE_REVIEWER])
    sign_in(page, reviewer.username, PASSWORD)
    page.goto("/compliance/audit/")
    alarm = page.get_by_test_id("chain-alarm")
    assert alarm.is_visible()
    assert "entry #2 is missing" in alarm.inner_text()


def test_lockout_message_on_the_sign_in_page(page):
    from django.conf import settings

    UserFactory(username="victim")
    page.goto("/staff/login/")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        page.get_by_label("Username").fill("victim")
        page.get_by_label("Password").fill("wrong guess")
        page.get_by_role("button", name="Sign in").click()
    assert "Too many failed sign-in attempts" in page.get_by_test_id("lockout").inner_text()
