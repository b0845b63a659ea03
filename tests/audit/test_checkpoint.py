"""Signed checkpoints: a chain rebuilt in the database cannot be matched by a rewritten checkpoint file."""

import base64
import hashlib
import json

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.core.management import call_command
from django.core.management.base import CommandError

from irportal.audit import chain, signing
from irportal.audit.checkpoint import CheckpointFileError, read_checkpoints, signed_message, write_checkpoint
from irportal.audit.health import run_verification
from irportal.audit.models import AuditEntry, VerificationRun
from irportal.audit.services import audit_record
from irportal.audit.verify import verify_chain
from tests.conftest import audit_guards_lifted

pytestmark = pytest.mark.django_db


@pytest.fixture
def five_entries():
    return [audit_record(action="auth.login", data={"n": n}) for n in range(5)]


def lines(settings) -> list[bytes]:
    return settings.AUDIT_CHECKPOINT_FILE.read_bytes().splitlines(keepends=True)


def rebuild_chain_from(sequence: int, data: dict) -> str:
    """What someone who can write the audit table does: change an entry and re-chain everything after it.

    Returns the new head hash."""
    with audit_guards_lifted() as cursor:
        cursor.execute("UPDATE audit_auditentry SET data = %s WHERE sequence = %s", [json.dumps(data), sequence])
        previous = AuditEntry.objects.get(sequence=sequence - 1).entry_hash
        for entry in AuditEntry.objects.filter(sequence__gte=sequence).order_by("sequence"):
            entry.prev_hash = previous
            previous = entry.compute_hash()
            cursor.execute(
                "UPDATE audit_auditentry SET prev_hash = %s, entry_hash = %s WHERE sequence = %s",
                [entry.prev_hash, previous, entry.sequence],
            )
    return previous


def test_each_checkpoint_is_signed_and_follows_the_lines_before_it(five_entries, settings):
    write_checkpoint()
    audit_record(action="auth.logout")
    write_checkpoint()
    first, second = lines(settings)
    record = json.loads(second)
    assert record["prev"] == hashlib.sha256(first).hexdigest()
    assert record["key"] == signing.fingerprint()
    key = serialization.load_pem_public_key(signing.public_key_pem().encode())
    key.verify(base64.b64decode(record["signature"]), signed_message(record))
    assert second == chain.canonical_json(record) + b"\n"
    assert [c.sequence for c in read_checkpoints()] == [5, 6]


def test_a_rebuilt_chain_with_a_rewritten_checkpoint_file_is_caught(five_entries, settings):
    write_checkpoint()
    new_head = rebuild_chain_from(3, {"n": 99})
    assert verify_chain([]).ok  # the chain alone holds together: it was rebuilt
    # ... and the checkpoint rewritten to name the new head, as anyone who can write the file can.
    record = json.loads(lines(settings)[0])
    record["entry_hash"] = new_head
    settings.AUDIT_CHECKPOINT_FILE.write_bytes(chain.canonical_json(record) + b"\n")
    run, _ = run_verification(source=VerificationRun.Source.COMMAND)
    assert not run.ok
    assert "signature of its newest checkpoint is not valid" in run.problem


def test_an_older_line_changed_or_removed_is_caught_by_the_newest_signature(five_entries, settings):
    write_checkpoint()
    audit_record(action="auth.logout")
    write_checkpoint()
    first, second = lines(settings)
    changed = json.loads(first) | {"entry_hash": "e" * 64}
    settings.AUDIT_CHECKPOINT_FILE.write_bytes(chain.canonical_json(changed) + b"\n" + second)
    with pytest.raises(CheckpointFileError, match="line 2 does not follow the lines before it"):
        read_checkpoints()
    settings.AUDIT_CHECKPOINT_FILE.write_bytes(second)
    with pytest.raises(CheckpointFileError, match="line 1 does not follow"):
        read_checkpoints()


def test_nothing_is_signed_over_a_file_that_does_not_verify(five_entries, settings):
    write_checkpoint()
    record = json.loads(lines(settings)[0]) | {"sequence": 4}
    settings.AUDIT_CHECKPOINT_FILE.write_bytes(chain.canonical_json(record) + b"\n")
    audit_record(action="auth.logout")
    with pytest.raises(CheckpointFileError, match="not valid"):
        write_checkpoint()
    assert len(lines(settings)) == 1


def test_a_file_of_the_older_unsigned_format_is_covered_by_the_first_signed_line(five_entries, settings, tmp_path):
    legacy = b'{"at": "2026-01-01T00:00:00.000000Z", "sequence": 2, "entry_hash": "%s"}\n' % (
        five_entries[1].entry_hash.encode()
    )
    settings.AUDIT_CHECKPOINT_FILE.write_bytes(legacy)
    with pytest.raises(CheckpointFileError, match="newest checkpoint is not signed"):
        read_checkpoints()
    with pytest.raises(CheckpointFileError, match="newest checkpoint is not signed"):
        write_checkpoint()  # the checkpoint task never signs over unsigned lines: stripped signatures look the same
    call_command("audit_signing_key", "create", "--if-missing")  # the upgrade: the key exists, nothing happens
    assert len(lines(settings)) == 1
    settings.AUDIT_SIGNING_KEY_FILE = tmp_path / "new-key.pem"
    call_command("audit_signing_key", "create")  # the first key is made: it adopts the older lines
    assert [c.sequence for c in read_checkpoints()] == [2, 5]
    assert json.loads(lines(settings)[1])["prev"] == hashlib.sha256(legacy).hexdigest()


def test_without_the_key_no_checkpoint_is_written_and_verification_says_why(five_entries, settings, tmp_path):
    write_checkpoint()
    settings.AUDIT_SIGNING_KEY_FILE = tmp_path / "nowhere.pem"
    with pytest.raises(signing.SigningKeyMissing, match="audit_signing_key create"):
        write_checkpoint()
    run, _ = run_verification(source=VerificationRun.Source.COMMAND)
    assert not run.ok and "signature cannot be checked" in run.problem


def test_rotation_signs_the_file_with_the_new_key_and_deletes_the_old_one(five_entries, settings, tmp_path, capsys):
    settings.AUDIT_SIGNING_KEY_FILE = tmp_path / "keys" / "audit-signing-key.pem"
    call_command("audit_signing_key", "create")
    old = signing.fingerprint()
    write_checkpoint()
    call_command("audit_signing_key", "rotate")
    new = signing.fingerprint()
    assert new != old
    assert [json.loads(line)["key"] for line in lines(settings)] == [old, new]
    assert [c.sequence for c in read_checkpoints()] == [5, 5]
    assert sorted(path.name for path in (tmp_path / "keys").iterdir()) == ["audit-signing-key.pem"]
    assert (tmp_path / "keys" / "audit-signing-key.pem").stat().st_mode & 0o077 == 0
    output = capsys.readouterr().out
    assert f"fingerprint: {new}" in output and "BEGIN PUBLIC KEY" in output
    with pytest.raises(CommandError, match="rotate"):
        call_command("audit_signing_key", "create")


def test_a_lost_key_is_replaced_with_the_public_key_compliance_kept(five_entries, settings, tmp_path):
    settings.AUDIT_SIGNING_KEY_FILE = tmp_path / "audit-signing-key.pem"
    call_command("audit_signing_key", "create")
    kept = tmp_path / "kept.pem"
    kept.write_text(signing.public_key_pem())
    settings.AUDIT_SIGNING_KEY_FILE.unlink()  # the disk that held it is gone
    with pytest.raises(CommandError, match="not rotated"):
        call_command("audit_signing_key", "rotate")
    stranger = tmp_path / "stranger.pem"
    stranger.write_text(signing.public_key_pem(Ed25519PrivateKey.generate().public_key()))
    with pytest.raises(CommandError, match=r"not rotated: .* was signed with key"):
        call_command("audit_signing_key", "rotate", "--previous-public-key", stranger)
    call_command("audit_signing_key", "rotate", "--previous-public-key", kept)
    assert [c.sequence for c in read_checkpoints()] == [5, 5]
