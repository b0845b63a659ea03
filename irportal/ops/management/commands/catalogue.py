from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from irportal.ops.catalogue import CATALOGUE, problems, update


class Command(BaseCommand):
    help = (
        "Bring the French catalogue (locale/fr/LC_MESSAGES/django.po) up to date with the project's messages and "
        "compile django.mo (make messages); with --check, change nothing and fail naming each message missing, "
        "untranslated or fuzzy, and a django.mo that is not the compilation of django.po (make check-messages)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--check", action="store_true", help="check the committed catalogue; change nothing")
        parser.add_argument("--root", type=Path, default=None, help="the project's directory (default: this one)")

    def handle(self, *args, check: bool, root: Path | None, **options):
        root = (root or Path(settings.BASE_DIR)).resolve()
        if not check:
            po = update(root)
            self.stdout.write(f"{po.relative_to(root)} and its django.mo are up to date")
            return
        found = problems(root)
        if found:
            raise CommandError(
                f"The French catalogue ({CATALOGUE / 'django.po'}) is not complete: "
                "run make messages, translate, and commit django.po and django.mo.\n  " + "\n  ".join(found)
            )
        self.stdout.write(f"{CATALOGUE / 'django.po'}: every message translated, django.mo its compilation")
