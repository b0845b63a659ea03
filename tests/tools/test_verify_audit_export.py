"""The auditor's standalone verifier against what the app really exports."""

import ast
import json
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.urls import reverse

from irportal.accounts.roles import COMPLIANCE_REVIEWER
from irportal.audit import signing
from irportal.audit.checkpoint import write_checkpoint
from irportal.audit.context import RequestContext, activate, deactivate
from irportal.audit.models import AuditEntry
from irportal.audit.restore import accept_restore
from irportal.audit.services import audit_record
from irportal.audit.verify import RESTORE, verify_chain
from tests.conftest import audit_guards_lifted
from tests.factories import UserFactory, sign_in

pytestmark = pytest.mark.django_db

TOOL = Path(__file__).resolve().parents[2] / "tools" / "verify_audit_export.py"


def run_tool(*args) -> tuple[int, str]:
    result = subprocess.run(
        [sys.executable, "-I", str(TOOL), *map(str, args)], capture_output=True, text=True, timeout=60, check=False
    )
    return result.returncode, result.stdout + result.stderr


@pytest.fixture
def reviewer_client(client):
    sign_in(client, UserFactory(roles=[COMPLIANCE_REVIEWER]))
    return client


@pytest.fixture
def varied_log():
    """Entries with everything the hash covers: unicode, nested changes, numbers kept as text, request context."""
    user = UserFactory(username="zoë", first_name="Zoë")
    token = activate(RequestContext(ip="2001:db8::1", user_agent="Mozilla/5.0 (X11) “quoted”", request_id="r-12345678"))
    try:
        audit_record(action="auth.login", actor=user, obj=user)
        audit_record(
            action="release.edit",
            actor=user,
            object_type="releases.release",
            object_id="12",
            object_label="Halvorsen reports Q3 — record orders",
            changes={
                "headline": {"before": "Old", "after": "Neu: Größe 12,5 %"},
                "bullets": {"before": [], "after": ["a", "b"]},
            },
            data={"ratio": 0.5, "nested": {"z": 1, "a": [True, None]}},
        )
    finally:
        deactivate(token)
    audit_record(action="release.publish", object_type="releases.release", object_id="12")
    for n in range(5):
        audit_record(action="auth.logout", data={"n": n})


def export(client, tmp_path, name="audit.jsonl", **params) -> Path:
    response = client.get(reverse("audit:export_jsonl"), params)
    assert response.status_code == 200
    path = tmp_path / name
    path.write_bytes(b"".join(response.streaming_content))
    return path


@pytest.fixture
def public_key(tmp_path) -> Path:
    """The checkpoints' public key, as the compliance pages hand it out."""
    path = tmp_path / "audit-checkpoint-key.pem"
    path.write_text(signing.public_key_pem())
    return path


def rewrite(path: Path, edit) -> None:
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    path.write_text("".join(edit(lines)), encoding="utf-8")


def test_whatever_the_app_exports_the_tool_verifies(reviewer_client, varied_log, tmp_path):
    path = export(reviewer_client, tmp_path)
    code, output = run_tool(path)
    assert code == 0, output
    assert "entries: 10" in output
    assert "export intact" in output


def test_tool_verifies_against_the_checkpoint_file(reviewer_client, varied_log, tmp_path, settings, public_key):
    write_checkpoint()
    path = export(reviewer_client, tmp_path)
    code, output = run_tool(path, "--checkpoints", settings.AUDIT_CHECKPOINT_FILE, "--public-key", public_key)
    assert code == 0, output
    assert f"checkpoints: 1 checked, signed with key {signing.fingerprint()}" in output


def test_changed_line_is_named(reviewer_client, varied_log, tmp_path):
    path = export(reviewer_client, tmp_path)

    def edit(lines):
        entry = json.loads(lines[2])
        entry["object_label"] = "Halvorsen reports Q3 — modest orders"
        lines[2] = json.dumps(entry, ensure_ascii=False) + "\n"
        return lines

    rewrite(path, edit)
    code, output = run_tool(path)
    assert code == 1
    assert "BROKEN at #3" in output
    assert "altered" in output


def test_changed_line_with_its_hash_recomputed_breaks_the_next_link(reviewer_client, varied_log, tmp_path):
    sys.path.insert(0, str(TOOL.parent))
    try:
        import verify_audit_export as tool
    finally:
        sys.path.pop(0)
    path = export(reviewer_client, tmp_path)

    def edit(lines):
        entry = json.loads(lines[3])
        entry["actor_label"] = "someone else"
        entry["entry_hash"] = tool.entry_hash(entry)
        lines[3] = json.dumps(entry) + "\n"
        return lines

    rewrite(path, edit)
    code, output = run_tool(path)
    assert code == 1
    assert "BROKEN at #5" in output
    assert "does not link to entry #4" in output


def test_deleted_line_is_named(reviewer_client, varied_log, tmp_path):
    path = export(reviewer_client, tmp_path)
    rewrite(path, lambda lines: lines[:5] + lines[6:])
    code, output = run_tool(path)
    assert code == 1
    assert "BROKEN at #6" in output
    assert "missing" in output


def test_cut_tail_is_caught_with_the_checkpoint(reviewer_client, varied_log, tmp_path, settings, public_key):
    write_checkpoint()
    path = export(reviewer_client, tmp_path)
    rewrite(path, lambda lines: lines[:7])
    assert run_tool(path)[0] == 0  # a shorter chain is still a chain: only the checkpoint knows
    code, output = run_tool(path, "--checkpoints", settings.AUDIT_CHECKPOINT_FILE, "--public-key", public_key)
    assert code == 1
    assert "BROKEN at #9" in output
    assert "removed from the end" in output


def test_entry_changed_in_the_database_is_named_in_the_export(reviewer_client, varied_log, tmp_path):
    with audit_guards_lifted() as cursor:
        cursor.execute("UPDATE audit_auditentry SET ip = '203.0.113.66' WHERE sequence = 2")
    code, output = run_tool(export(reviewer_client, tmp_path))
    assert code == 1
    assert "BROKEN at #2" in output


def test_entry_deleted_in_the_database_is_named_in_the_export(reviewer_client, varied_log, tmp_path):
    with audit_guards_lifted() as cursor:
        cursor.execute("DELETE FROM audit_auditentry WHERE sequence = 4")
    code, output = run_tool(export(reviewer_client, tmp_path))
    assert code == 1
    assert "BROKEN at #4" in output


def test_tail_cut_in_the_database_is_named_against_the_checkpoint(varied_log, tmp_path, settings, client, public_key):
    write_checkpoint()  # head #8
    with audit_guards_lifted() as cursor:
        cursor.execute("DELETE FROM audit_auditentry WHERE sequence >= 7")
    reviewer = UserFactory(roles=[COMPLIANCE_REVIEWER])
    sign_in(client, reviewer)  # the sign-in and the export are a new #7 and #8
    code, output = run_tool(
        export(client, tmp_path), "--checkpoints", settings.AUDIT_CHECKPOINT_FILE, "--public-key", public_key
    )
    assert code == 1
    assert "BROKEN at #8" in output
    assert "disagrees" in output


def test_filtered_export_verifies_as_filtered_from_its_first_line(reviewer_client, varied_log, tmp_path):
    path = export(reviewer_client, tmp_path, object_type="releases.release", object_id="12")
    code, output = run_tool(path)
    assert code == 0, output
    assert "entries: 2" in output
    assert "filtered export (IR Portal audit log filtered by object_type=releases.release, object_id=12" in output
    # Without the line that says so, the entries are not a full log: the option says they are filtered.
    rewrite(path, lambda lines: lines[1:])
    assert run_tool(path)[0] == 1
    code, output = run_tool(path, "--filtered")
    assert code == 0, output


def test_unreadable_input_exits_2(tmp_path):
    code, output = run_tool(tmp_path / "missing.jsonl")
    assert code == 2
    assert "cannot read" in output


def test_tool_needs_only_the_standard_library():
    tree = ast.parse(TOOL.read_text(encoding="utf-8"))
    imported = {
        alias.name.split(".")[0] for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names
    }
    imported |= {node.module.split(".")[0] for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    assert imported <= set(sys.stdlib_module_names)


def export_csv(client, tmp_path, name="audit.csv", **params) -> Path:
    response = client.get(reverse("audit:export_csv"), params)
    assert response.status_code == 200
    path = tmp_path / name
    path.write_bytes(b"".join(response.streaming_content))
    return path


def test_the_csv_export_verifies_too(reviewer_client, varied_log, tmp_path, settings, public_key):
    write_checkpoint()
    path = export_csv(reviewer_client, tmp_path)
    code, output = run_tool(path, "--checkpoints", settings.AUDIT_CHECKPOINT_FILE, "--public-key", public_key)
    assert code == 0, output
    assert "entries: 10" in output and "export intact" in output


def test_a_changed_csv_cell_is_named(reviewer_client, varied_log, tmp_path):
    path = export_csv(reviewer_client, tmp_path)
    rewrite(path, lambda lines: [line.replace("record orders", "modest orders") for line in lines])
    code, output = run_tool(path)
    assert code == 1
    assert "BROKEN at #3" in output and "altered" in output


def test_a_filtered_csv_export_says_so_and_verifies(reviewer_client, varied_log, tmp_path):
    path = export_csv(reviewer_client, tmp_path, action="auth.logout")
    code, output = run_tool(path)
    assert code == 0, output
    assert "entries: 5" in output and "filtered export (IR Portal audit log filtered by action=auth.logout" in output


def test_the_spreadsheet_csv_does_not_pass_for_the_exact_one(reviewer_client, tmp_path):
    audit_record(action="release.comment", object_label="=1+1")
    response = reviewer_client.get(reverse("audit:export_csv_spreadsheet"))
    path = tmp_path / "spreadsheet.csv"
    path.write_bytes(b"".join(response.streaming_content))
    code, output = run_tool(path)
    assert code == 1
    assert "altered" in output


def rebuilt_chain_and_checkpoints(settings, sequence: int) -> None:
    """Someone who can write the audit table and the checkpoint file, but has not the signing key."""
    with audit_guards_lifted() as cursor:
        cursor.execute("UPDATE audit_auditentry SET ip = '198.51.100.99' WHERE sequence = %s", [sequence])
        previous = AuditEntry.objects.get(sequence=sequence - 1).entry_hash
        for entry in AuditEntry.objects.filter(sequence__gte=sequence).order_by("sequence"):
            entry.prev_hash = previous
            previous = entry.compute_hash()
            cursor.execute(
                "UPDATE audit_auditentry SET prev_hash = %s, entry_hash = %s WHERE sequence = %s",
                [entry.prev_hash, previous, entry.sequence],
            )
    rewritten = []
    for line in settings.AUDIT_CHECKPOINT_FILE.read_text().splitlines():
        record = json.loads(line)
        record["entry_hash"] = AuditEntry.objects.get(sequence=record["sequence"]).entry_hash
        rewritten.append(json.dumps(record))
    settings.AUDIT_CHECKPOINT_FILE.write_text("\n".join(rewritten) + "\n")


def test_a_rewritten_chain_is_caught_with_the_signed_checkpoints(
    reviewer_client, varied_log, tmp_path, settings, public_key
):
    write_checkpoint()
    rebuilt_chain_and_checkpoints(settings, 3)
    path = export(reviewer_client, tmp_path)
    assert run_tool(path)[0] == 0  # the rebuilt chain holds together on its own
    code, output = run_tool(path, "--checkpoints", settings.AUDIT_CHECKPOINT_FILE, "--public-key", public_key)
    assert code == 1
    assert "signature does not verify" in output


def test_another_key_is_refused(reviewer_client, varied_log, tmp_path, settings):
    write_checkpoint()
    path = export(reviewer_client, tmp_path)
    other = tmp_path / "other.pem"
    other.write_text(signing.public_key_pem(Ed25519PrivateKey.generate().public_key()))
    code, output = run_tool(path, "--checkpoints", settings.AUDIT_CHECKPOINT_FILE, "--public-key", other)
    assert code == 1
    assert "signature does not verify with key" in output
    code, output = run_tool(path, "--checkpoints", settings.AUDIT_CHECKPOINT_FILE)
    assert code == 2
    assert "--public-key" in output


def test_an_export_across_an_accepted_restore_verifies_as_the_app_verifies_it(
    client, varied_log, tmp_path, settings, public_key
):
    write_checkpoint()  # remembers #8, which the restore below loses
    restored = AuditEntry.objects.get(sequence=6)
    with audit_guards_lifted() as cursor:
        cursor.execute("DELETE FROM audit_auditentry WHERE sequence > 6")
    audit_record(
        action=RESTORE,
        data={
            "restored_head": {"sequence": 6, "entry_hash": restored.entry_hash},
            "backup_created_at": "2026-12-08T02:00:00Z",
        },
    )
    assert not verify_chain().ok
    accept_restore(reason="the newer backup was lost with the disk")
    assert verify_chain().ok
    sign_in(client, UserFactory(roles=[COMPLIANCE_REVIEWER]))
    path = export(client, tmp_path)
    code, output = run_tool(path, "--checkpoints", settings.AUDIT_CHECKPOINT_FILE, "--public-key", public_key)
    assert code == 0, output
    assert "export intact" in output
    # The acceptance names a checkpoint: a file without it is a changed file.
    lines = settings.AUDIT_CHECKPOINT_FILE.read_text().splitlines(keepends=True)
    shortened = tmp_path / "shortened.jsonl"
    shortened.write_text("".join(lines[1:]))
    code, output = run_tool(path, "--checkpoints", shortened, "--public-key", public_key)
    assert code == 1


def test_the_tools_ed25519_agrees_with_the_apps():
    sys.path.insert(0, str(TOOL.parent))
    try:
        import verify_audit_export as tool
    finally:
        sys.path.pop(0)
    for n in range(20):
        key = Ed25519PrivateKey.generate()
        raw = signing.raw_public_key(key.public_key())
        message = f"checkpoint {n}".encode() * (n + 1)
        signature = key.sign(message)
        assert tool.ed25519_valid(raw, message, signature)
        assert not tool.ed25519_valid(raw, message + b".", signature)
        assert not tool.ed25519_valid(raw, message, signature[:-1] + bytes([signature[-1] ^ 1]))
        assert tool.fingerprint(raw) == signing.fingerprint(key.public_key())
