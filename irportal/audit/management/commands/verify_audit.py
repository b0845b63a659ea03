from django.core.management.base import BaseCommand

from irportal.audit.checkpoint import checkpoint_path
from irportal.audit.health import run_verification
from irportal.audit.models import VerificationRun


class Command(BaseCommand):
    help = (
        "Walk the audit hash chain and check it against the checkpoints; exit 1 at the first broken link. "
        "The result is kept as the chain health the audit explorer shows."
    )

    def handle(self, *args, **options):
        run, result = run_verification(source=VerificationRun.Source.COMMAND)
        seconds = max(run.duration_seconds, 1e-6)
        self.stdout.write(f"entries: {result.count}")
        self.stdout.write(f"head: #{result.head_sequence} {result.head_hash}")
        self.stdout.write(f"checkpoints: {result.checkpoints_checked} checked ({checkpoint_path()})")
        self.stdout.write(f"speed: {result.count / seconds:,.0f} entries per second ({seconds:.2f} s)")
        if not result.ok:
            self.stderr.write(f"BROKEN at #{result.broken_sequence}: {result.problem}")
            raise SystemExit(1)
        self.stdout.write(self.style.SUCCESS("audit chain intact"))
