from django.core.management.base import BaseCommand

from irportal.audit.checkpoint import checkpoint_path
from irportal.audit.health import run_verification
from irportal.audit.models import VerificationRun
from irportal.audit.restore import RestoreNotAccepted, accept_restore


class Command(BaseCommand):
    help = (
        "Walk the audit hash chain and check it against the checkpoints; exit 1 at the first broken link. "
        "The result is kept as the chain health the audit explorer shows. After a restore from an older backup, "
        "--accept-restore --reason records that the checkpoints past the restored log are superseded."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--accept-restore",
            action="store_true",
            help="accept the newest recorded restore: its lost tail's checkpoints no longer fail the check",
        )
        parser.add_argument("--reason", default="", help="why the restore is accepted (kept in the audit log)")

    def handle(self, *args, accept_restore: bool = False, reason: str = "", **options):
        if accept_restore:
            self._accept(reason)
        run, result = run_verification(source=VerificationRun.Source.COMMAND)
        seconds = max(run.duration_seconds, 1e-6)
        self.stdout.write(f"entries: {result.count}")
        self.stdout.write(f"head: #{result.head_sequence} {result.head_hash}")
        self.stdout.write(f"checkpoints: {result.checkpoints_checked} checked ({checkpoint_path()})")
        if result.superseded:
            self.stdout.write(
                f"superseded: {len(result.superseded)} checkpoints of a log replaced by an accepted restore "
                f"(up to #{max(checkpoint.sequence for checkpoint in result.superseded)})"
            )
        self.stdout.write(f"speed: {result.count / seconds:,.0f} entries per second ({seconds:.2f} s)")
        if not result.ok:
            self.stderr.write(f"BROKEN at #{result.broken_sequence}: {result.problem}")
            raise SystemExit(1)
        self.stdout.write(self.style.SUCCESS("audit chain intact"))

    def _accept(self, reason: str) -> None:
        try:
            acceptance = accept_restore(reason=reason)
        except RestoreNotAccepted as exc:
            self.stderr.write(f"restore not accepted: {exc}")
            raise SystemExit(1) from None
        self.stdout.write(
            f"restore accepted: the log restored up to #{acceptance.restored_sequence} goes on; checkpoints up to "
            f"the one of {acceptance.through.at} past it are superseded"
        )
