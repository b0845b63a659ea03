from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from irportal.ops.backup import BackupError, restore_backup


class Command(BaseCommand):
    help = (
        "Restore a backup into the configured database, which must be new and empty (or --replace), and into "
        "MEDIA_ROOT. The manifest is checked first; the audit log records the restore and its chain is verified."
    )

    def add_arguments(self, parser):
        parser.add_argument("directory", type=Path, help="a directory written by `manage.py backup`")
        parser.add_argument(
            "--replace", action="store_true", help="drop every table of the configured database first (destructive)"
        )

    def handle(self, *args, directory: Path, replace: bool, **options):
        try:
            lines = restore_backup(directory, replace=replace)
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        for line in lines:
            self.stdout.write(line)
