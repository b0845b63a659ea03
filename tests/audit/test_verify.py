import pytest
from django.core.management import call_command

from irportal.audit.checkpoint import read_checkpoints, write_checkpoint
from irportal.audit.models import AuditEntry
from irportal.audit.services import audit_record
from irportal.audit.verify import verify_chain
from tests.conftest import audit_guards_lifted

pytestmark = pytest.mark.django_db


@pytest.fixture
def five_entries():
    return [audit_record(action="auth.login", data={"n": n}) for n in range(5)]


def run_verify(capsys) -> tuple[int, str]:
    try:
        call_command("verify_audit")
        code = 0
    except SystemExit as exc:
        code = exc.code
    captured = capsys.readouterr()
    return code, captured.out + captured.err


def test_intact_chain_verifies(five_entries, capsys):
    write_checkpoint()
    code, output = run_verify(capsys)
    assert code == 0
    assert "entries: 5" in output
    assert "audit chain intact" in output


def test_changed_entry_is_named(five_entries, capsys):
    with audit_guards_lifted() as cursor:
        cursor.execute("UPDATE audit_auditentry SET data = %s WHERE sequence = 3", ['{"n": 99}'])
    code, output = run_verify(capsys)
    assert code == 1
    assert "BROKEN at #3" in output
    assert "altered" in output


def test_deleted_entry_in_the_middle_is_named(five_entries, capsys):
    with audit_guards_lifted() as cursor:
        cursor.execute("DELETE FROM audit_auditentry WHERE sequence = 2")
    code, output = run_verify(capsys)
    assert code == 1
    assert "BROKEN at #2" in output
    assert "missing" in output


def test_rewritten_hash_is_caught_by_the_next_link(five_entries, capsys):
    with audit_guards_lifted() as cursor:
        cursor.execute("UPDATE audit_auditentry SET entry_hash = %s WHERE sequence = 4", ["f" * 64])
    code, output = run_verify(capsys)
    assert code == 1
    assert "BROKEN at #4" in output


def test_cut_tail_is_caught_against_the_checkpoint(five_entries, capsys):
    checkpoint = write_checkpoint()
    assert checkpoint.sequence == 5
    with audit_guards_lifted() as cursor:
        cursor.execute("DELETE FROM audit_auditentry WHERE sequence >= 4")
    code, output = run_verify(capsys)
    assert code == 1
    assert "BROKEN at #5" in output
    assert "removed from the end" in output


def test_checkpoint_written_once_per_head(five_entries):
    assert write_checkpoint() is not None
    assert write_checkpoint() is None
    audit_record(action="auth.logout")
    assert write_checkpoint().sequence == 6
    assert [c.sequence for c in read_checkpoints()] == [5, 6]


def test_chain_rebuilt_after_the_checkpoint_is_caught(five_entries):
    write_checkpoint()
    head = AuditEntry.objects.get(sequence=5)
    with audit_guards_lifted() as cursor:
        cursor.execute("DELETE FROM audit_auditentry WHERE sequence = 5")
    audit_record(action="auth.logout")  # a new #5, correctly chained, different hash
    result = verify_chain()
    assert not result.ok
    assert result.broken_sequence == 5
    assert head.entry_hash != AuditEntry.objects.get(sequence=5).entry_hash
    assert "disagrees" in result.problem


def test_verify_audit_keeps_its_result_for_the_explorer(five_entries, capsys):
    from irportal.audit.models import VerificationRun

    code, output = run_verify(capsys)
    assert code == 0
    assert "entries per second" in output
    run = VerificationRun.objects.get()
    assert (run.source, run.ok, run.entries_checked) == ("command", True, 5)


def test_failed_verify_audit_is_recorded_in_the_log(five_entries, capsys):
    with audit_guards_lifted() as cursor:
        cursor.execute("UPDATE audit_auditentry SET data = %s WHERE sequence = 2", ['{"n": 7}'])
    code, _ = run_verify(capsys)
    assert code == 1
    assert AuditEntry.objects.get(action="audit.verify_failed").data["broken_sequence"] == 2
