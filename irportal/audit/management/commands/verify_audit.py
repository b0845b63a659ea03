from django.core.management.base import BaseCommand, CommandError

from irportal.audit.checkpoint import CheckpointFileError, checkpoint_path, read_checkpoints
from irportal.audit.verify import verify_chain


class Command(BaseCommand):
    help = "Walk the audit hash chain and check it against the checkpoints; exit 1 at the first broken link."

    def handle(self, *args, **options):
        try:
            checkpoints = read_checkpoints()
        except CheckpointFileError as exc:
            raise CommandError(str(exc)) from None
        result = verify_chain(checkpoints)
        self.stdout.write(f"entries: {result.count}")
        self.stdout.write(f"head: #{result.head_sequence} {result.head_hash}")
        self.stdout.write(
            f"checkpoints: {result.checkpoints_checked} of {len(checkpoints)} checked ({checkpoint_path()})"
        )
        if not result.ok:
            self.stderr.write(f"BROKEN at #{result.broken_sequence}: {result.problem}")
            raise SystemExit(1)
        self.stdout.write(self.style.SUCCESS("audit chain intact"))
