import json
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
    said, *lines = exported.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 3
    assert json.loads(said)["filters"] == {"object_type": "releases.release", "object_id": "22"}
    result = subprocess.run([sys.executable, str(TOOL), str(exported)], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    assert AuditEntry.objects.filter(action="audit.export", actor_id=reviewer.pk).count() == 1

    for path in (page.url, "/compliance/audit/insiders/"):
        page.goto(path)
        # Sign out and the console's language, which change only the reader's own session; nothing else.
        posting = page.locator("form[method=post]")
        assert posting.count() == 2
        assert posting.evaluate_all("forms => forms.map(form => form.getAttribute('action'))") == [
            "/staff/logout/",
            "/staff/language/",
        ]
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


def verify(*args) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-I", str(TOOL), *map(str, args)], capture_output=True, text=True, timeout=120, check=False
    )


def download(page, test_id, folder) -> Path:
    with page.expect_download() as download_info:
        page.get_by_test_id(test_id).click()
    path = folder / download_info.value.suggested_filename
    download_info.value.save_as(path)
    return path


def rewritten_chain(export: Path, destination: Path, sequence: int) -> Path:
    """A copy of a JSON Lines export with one entry changed and every hash after it recomputed: a chain that
    holds together by itself, as a rebuilt database would export it."""
    sys.path.insert(0, str(TOOL.parent))
    try:
        import verify_audit_export as tool
    finally:
        sys.path.pop(0)
    entries = [json.loads(line) for line in export.read_text(encoding="utf-8").splitlines()]
    previous = None
    for entry in entries:
        if entry["sequence"] == sequence:
            entry["object_label"] = "Halvorsen to present at a different conference"
        if entry["sequence"] >= sequence:
            entry["prev_hash"] = previous or entry["prev_hash"]
            entry["entry_hash"] = tool.entry_hash(entry)
        previous = entry["entry_hash"]
    destination.write_bytes(b"".join(tool.canonical_json(entry) + b"\n" for entry in entries))
    return destination


def test_reviewer_verifies_full_and_filtered_exports_against_the_checkpoints_from_the_browser(
    page, release_history, tmp_path
):
    from irportal.audit import signing
    from irportal.audit.checkpoint import write_checkpoint

    write_checkpoint()  # what beat does every few minutes
    reviewer = UserFactory(roles=[COMPLIANCE_REVIEWER])
    sign_in(page, reviewer.username, PASSWORD)
    page.get_by_test_id("staff-nav").get_by_role("link", name="Audit log").click()
    assert page.get_by_test_id("checkpoint-key").inner_text() == signing.fingerprint()

    checkpoints = download(page, "download-checkpoints", tmp_path)
    key = download(page, "download-checkpoint-key", tmp_path)
    assert checkpoints.name.startswith("audit-checkpoints-") and key.name.endswith(".pem")
    full = download(page, "export-jsonl", tmp_path)
    full_csv = download(page, "export-csv", tmp_path)
    assert not full.name.startswith("audit-log-filtered")

    page.get_by_label("Object type").fill("releases.release")
    page.get_by_label("Object id").fill("21")
    page.get_by_role("button", name="Filter").click()
    page.wait_for_url("**object_id=21**")
    filtered = download(page, "export-jsonl", tmp_path)
    assert filtered.name.startswith("audit-log-filtered-object_type-releases.release-object_id-21-")
    assert "filtered by object_type=releases.release, object_id=21" in filtered.read_text().splitlines()[0]

    for export in (full, full_csv, filtered):
        result = verify(export, "--checkpoints", checkpoints, "--public-key", key)
        assert result.returncode == 0, (export.name, result.stderr)
        assert f"signed with key {signing.fingerprint()}" in result.stdout
    assert "filtered export" in verify(filtered, "--checkpoints", checkpoints, "--public-key", key).stdout

    # A copy whose chain was rewritten (entry #2 changed, every later hash recomputed) holds together on its
    # own; the downloaded checkpoints catch it.
    forged = rewritten_chain(full, tmp_path / "rewritten.jsonl", sequence=2)
    assert verify(forged).returncode == 0
    caught = verify(forged, "--checkpoints", checkpoints, "--public-key", key)
    assert caught.returncode == 1
    assert "disagrees with entry" in caught.stderr and "the chain was rewritten" in caught.stderr
    downloads = AuditEntry.objects.filter(action="audit.checkpoints_download", actor_id=reviewer.pk)
    assert downloads.count() == 2
