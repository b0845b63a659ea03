from django.core.management.base import BaseCommand

from irportal.workflow.sweep import run_sweep


class Command(BaseCommand):
    help = "Run one scheduler sweep now: publish due items, publish and expire due replays."

    def handle(self, *args, **options):
        for name, changed in run_sweep().items():
            self.stdout.write(f"{name}: {len(changed)} changed")
