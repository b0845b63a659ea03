"""The audit log's side of a restore: the restore is recorded, verified, and, when it must be, accepted.

After ``manage.py restore`` the log gets an ``audit.restore`` entry (as the
system) naming the backup and the chain head it brought back, and the chain is
verified against the checkpoint file. A backup older than the newest
checkpoint fails that verification: the file remembers entries the restored
log does not have. When those entries are lost for good (no newer backup, no
export holds them), ``verify_audit --accept-restore --reason ...`` records
``audit.restore_accepted``: the checkpoints of the lost tail are then reported
as superseded by that entry, for every later verification, and a fresh
checkpoint pins the restored log.
"""

import getpass

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from irportal.audit.checkpoint import read_checkpoints, write_checkpoint
from irportal.audit.health import run_verification
from irportal.audit.models import AuditEntry, VerificationRun
from irportal.audit.registry import register_action
from irportal.audit.services import audit_record
from irportal.audit.verify import RESTORE, RESTORE_ACCEPTED, Acceptance, verify_chain
from irportal.ops.backup import BackupError, Restored

register_action(RESTORE, _("Restored the database from a backup"))
register_action(RESTORE_ACCEPTED, _("Accepted a restore from an older backup"))


class RestoreNotAccepted(Exception):
    """``--accept-restore`` was refused; the message says why. Nothing was written."""


def _head() -> dict:
    head = AuditEntry.objects.order_by("-sequence").values_list("sequence", "entry_hash").first()
    return {"sequence": head[0], "entry_hash": head[1]} if head else {"sequence": 0, "entry_hash": ""}


def record_restore(restored: Restored) -> list[str]:
    """After ``manage.py restore``: write ``audit.restore``, then verify the chain against the checkpoint file."""
    head = _head()
    audit_record(
        action=RESTORE,
        object_type="audit.backup",
        object_id=restored.manifest_sha256[:64],
        object_label=f"backup of {restored.manifest['created_at']}",
        data={
            "backup_created_at": restored.manifest["created_at"],
            "manifest_sha256": restored.manifest_sha256,
            "restored_head": head,
            "kept_files": restored.kept_files,
        },
    )
    _, result = run_verification(source=VerificationRun.Source.COMMAND)
    if not result.ok:
        raise BackupError(
            f"the database was restored (audit log up to #{head['sequence']}), but its audit chain does not verify: "
            f"{result.problem}"
        )
    return [f"audit log restored up to #{head['sequence']}; restore recorded; chain intact ({result.count} entries)"]


def accept_restore(*, reason: str) -> Acceptance:
    """Record that the newest restore's lost tail is accepted; refused unless that alone makes the chain verify."""
    if not reason.strip():
        raise RestoreNotAccepted("give the reason (--reason): it is kept in the audit log")
    restore = AuditEntry.objects.filter(action=RESTORE).order_by("-sequence").first()
    if restore is None:
        raise RestoreNotAccepted(
            "no restore is recorded in the audit log: a log shorter than its checkpoints without a restore means "
            "entries were removed"
        )
    checkpoints = read_checkpoints()
    restored_sequence = int(restore.data["restored_head"]["sequence"])
    ahead = [checkpoint for checkpoint in checkpoints if checkpoint.sequence > restored_sequence]
    if not ahead:
        raise RestoreNotAccepted("no checkpoint is newer than the restored log: there is nothing to accept")
    proposed = Acceptance(restored_sequence=restored_sequence, through=checkpoints[-1])
    if verify_chain(checkpoints).ok:
        raise RestoreNotAccepted("the chain already verifies: there is nothing to accept")
    check = verify_chain(checkpoints, proposed=proposed)
    if not check.ok:
        raise RestoreNotAccepted(f"accepting the restore would not make the chain verify: {check.problem}")
    through = proposed.through
    with transaction.atomic():
        audit_record(
            action=RESTORE_ACCEPTED,
            object_type="audit.auditentry",
            object_id=str(restore.sequence),
            object_label=f"restore #{restore.sequence}",
            data={
                "reason": reason.strip(),
                "os_user": getpass.getuser(),
                "restore_sequence": restore.sequence,
                "restored_sequence": restored_sequence,
                "through": {"at": through.at, "sequence": through.sequence, "entry_hash": through.entry_hash},
                "superseded": len(check.superseded),
                "lost_entries": f"#{restored_sequence + 1} to #{max(c.sequence for c in check.superseded)}",
            },
        )
    write_checkpoint()
    return proposed
