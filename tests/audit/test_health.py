import logging

import pytest

from irportal.audit.checkpoint import last_checkpoint, write_checkpoint
from irportal.audit.health import chain_health, run_verification
from irportal.audit.models import AuditEntry, VerificationRun
from irportal.audit.services import audit_record
from tests.conftest import audit_guards_lifted

pytestmark = pytest.mark.django_db


@pytest.fixture
def four_entries():
    return [audit_record(action="auth.login") for _ in range(4)]


def test_good_run_is_kept_with_its_counts(four_entries):
    write_checkpoint()
    run, _ = run_verification(source=VerificationRun.Source.SCHEDULE)
    run.refresh_from_db()
    assert (run.ok, run.entries_checked, run.head_sequence, run.checkpoints_checked) == (True, 4, 4, 1)
    assert (run.checkpoint_sequence, run.checkpoint_hash) == (4, four_entries[-1].entry_hash)
    assert not AuditEntry.objects.filter(action="audit.verify_failed").exists()


def test_failed_run_is_kept_and_recorded_in_the_log(four_entries):
    with audit_guards_lifted() as cursor:
        cursor.execute("DELETE FROM audit_auditentry WHERE sequence = 3")
    run, _ = run_verification(source=VerificationRun.Source.SCHEDULE)
    assert (run.ok, run.broken_sequence) == (False, 3)
    alarm = AuditEntry.objects.get(action="audit.verify_failed")
    assert alarm.actor_label == "system"
    assert alarm.data["broken_sequence"] == 3
    assert "#3 is missing" in alarm.data["problem"]


def test_unreadable_checkpoint_file_is_a_failed_run(four_entries, settings):
    settings.AUDIT_CHECKPOINT_FILE.write_text("not json\n")
    run, _ = run_verification(source=VerificationRun.Source.COMMAND)
    assert not run.ok
    assert "checkpoint file cannot be read" in run.problem


def test_health_reports_the_newest_run_and_checkpoint(four_entries):
    run_verification(source=VerificationRun.Source.SCHEDULE)
    audit_record(action="auth.logout")
    write_checkpoint()
    newest, _ = run_verification(source=VerificationRun.Source.COMMAND)
    health = chain_health()
    assert health["last_run"] == newest
    assert health["last_checkpoint"].sequence == 5


def test_last_checkpoint_reads_only_the_end_of_a_long_file(four_entries, settings):
    with settings.AUDIT_CHECKPOINT_FILE.open("w") as handle:
        for n in range(1, 5000):
            handle.write(f'{{"at": "2026-01-01T00:00:00.000000Z", "sequence": {n}, "entry_hash": "{n:064x}"}}\n')
    assert last_checkpoint().sequence == 4999


def test_a_failed_run_is_also_an_error_in_the_log(four_entries, caplog):
    with audit_guards_lifted() as cursor:
        cursor.execute("DELETE FROM audit_auditentry WHERE sequence = 2")
    with caplog.at_level(logging.ERROR, logger="irportal.audit"):
        run_verification(source=VerificationRun.Source.SCHEDULE)
    [record] = [record for record in caplog.records if record.name == "irportal.audit"]
    assert record.getMessage() == "audit chain verification failed at #2: entry #2 is missing (the next entry is #3)"
