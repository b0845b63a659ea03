import json

import pytest

from irportal.audit.checkpoint import Checkpoint, read_checkpoints, write_checkpoint
from irportal.audit.restore import RestoreNotAccepted, accept_restore
from irportal.audit.services import audit_record
from irportal.audit.verify import RESTORE, Acceptance, verify_chain
from tests.audit.conftest import sign_checkpoint

pytestmark = pytest.mark.django_db


def _entries(count: int) -> None:
    for _ in range(count):
        audit_record(action="audit.log_view")


def _remember_a_longer_log(settings, sequence: int) -> Checkpoint:
    """A checkpoint of entries this database does not have (what an older backup leaves behind), signed."""
    return sign_checkpoint(
        settings.AUDIT_CHECKPOINT_FILE, Checkpoint("2026-12-08T14:00:00.000000Z", sequence, "f" * 64)
    )


def test_a_log_shorter_than_its_checkpoints_without_a_recorded_restore_is_never_accepted(settings):
    _entries(3)
    write_checkpoint()
    _remember_a_longer_log(settings, 9)
    with pytest.raises(RestoreNotAccepted, match="no restore is recorded"):
        accept_restore(reason="looks like a restore")
    assert not verify_chain().ok


def test_a_restore_is_accepted_only_when_the_checkpoints_up_to_the_restored_head_match(settings):
    _entries(3)
    settings.AUDIT_CHECKPOINT_FILE.write_text(
        json.dumps({"at": "2026-12-08T13:00:00.000000Z", "sequence": 2, "entry_hash": "0" * 64}) + "\n"
    )
    _remember_a_longer_log(settings, 9)
    audit_record(action=RESTORE, data={"restored_head": {"sequence": 3, "entry_hash": ""}, "backup_created_at": "x"})
    with pytest.raises(RestoreNotAccepted, match=r"would not make the chain verify: .* disagrees with entry #2"):
        accept_restore(reason="the backup was rewritten")


def test_an_acceptance_naming_a_checkpoint_the_file_lacks_breaks_the_chain(settings):
    _entries(2)
    write_checkpoint()
    gone = Checkpoint("2026-12-08T14:00:00.000000Z", 7, "e" * 64)
    result = verify_chain(read_checkpoints(), proposed=Acceptance(restored_sequence=2, through=gone))
    assert not result.ok
    assert "which the checkpoint file does not have: the file was changed" in result.problem
