from django.core.management.base import BaseCommand

from company import zone
from irportal.audit.context import system_context
from irportal.workflow.sweep import run_sweep


class Command(BaseCommand):
    help = "Run one scheduler sweep now: publish due items, publish and expire due replays."

    def handle(self, *args, **options):
        # One request id for this run: its audit entries and its log lines carry it; company time, as in a task.
        zone.activate()
        with system_context() as context:
            for name, changed in run_sweep().items():
                self.stdout.write(f"{name}: {len(changed)} changed")
        self.stdout.write(f"request id: {context.request_id}")
