from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from irportal.ops.backup import BackupError, create_backup


class Command(BaseCommand):
    help = (
        "Write a backup into a new directory: the database (pg_dump custom format, or SQLite's backup API), "
        "the media files, the audit checkpoint file, and manifest.json with the SHA-256 of each."
    )

    def add_arguments(self, parser):
        parser.add_argument("directory", type=Path, help="a new or empty directory")

    def handle(self, *args, directory: Path, **options):
        try:
            manifest, manifest_sha256 = create_backup(directory)
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(f"backup of {manifest['created_at']} in {directory}: {len(manifest['files'])} files")
        self.stdout.write(f"manifest.json SHA-256 {manifest_sha256} (keep it with the backup's record)")
