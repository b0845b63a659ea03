from django.conf import settings
from django.core.management.base import BaseCommand

from irportal.audit.retention import retention_report


class Command(BaseCommand):
    help = (
        "List what the retention rules protect and how much of it is inside the minimum retention "
        "(AUDIT_RETENTION_YEARS). The app deletes none of it; nothing inside the minimum may be archived."
    )

    def handle(self, *args, **options):
        cutoff, lines = retention_report()
        years = settings.AUDIT_RETENTION_YEARS
        self.stdout.write(f"minimum retention: {years} years (everything newer than {cutoff:%Y-%m-%d} UTC)")
        for line in lines:
            if line.within_minimum is None:
                age = "kept without an age limit"
            else:
                oldest = f"{line.oldest:%Y-%m-%d}" if line.oldest else "none"
                age = (
                    f"{line.within_minimum} inside the {years}-year minimum, "
                    f"{line.protected - line.within_minimum} older (oldest {oldest})"
                )
            self.stdout.write(f"{line.label}: {line.protected} protected ({line.reason}); {age}")
        self.stdout.write("deletable through the app: none")
