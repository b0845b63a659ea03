import os

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError
from django.utils import timezone

from irportal.audit import signing
from irportal.audit.checkpoint import CheckpointFileError, checkpoint_path, verified, write_checkpoint


class Command(BaseCommand):
    help = (
        "The Ed25519 key that signs the audit checkpoints (AUDIT_SIGNING_KEY_FILE). create: make it (once, on the "
        "app's host); show: print its public key and fingerprint, for verifiers; rotate: replace it, signing the "
        "current checkpoint file with the new key after checking it with the old one."
    )

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["create", "show", "rotate"])
        parser.add_argument(
            "--if-missing", action="store_true", help="create: do nothing when the key already exists (make run)"
        )
        parser.add_argument(
            "--previous-public-key",
            metavar="PEM",
            help="rotate: the private key is lost; check the file with this copy of its public key instead",
        )

    def handle(self, *args, action: str, if_missing: bool = False, previous_public_key=None, **options):
        path = signing.key_path()
        if action == "create":
            if path.exists():
                if if_missing:
                    return
                raise CommandError(
                    f"{path} exists: a key is replaced with `audit_signing_key rotate`, never overwritten"
                )
            signing.create_key(path)
            self.stdout.write(f"checkpoint signing key created at {path} (readable by its owner only)")
            self._first_checkpoint()
        elif action == "rotate":
            self._rotate(path, previous_public_key)
        try:
            self._show()
        except signing.SigningKeyMissing as exc:
            raise CommandError(str(exc)) from None

    def _first_checkpoint(self):
        """Sign the current head now, over the checkpoints of the older, unsigned format if the file has them."""
        try:
            checkpoint = write_checkpoint(adopt_unsigned=True)
        except DatabaseError:
            checkpoint = None  # not migrated yet: the first checkpoint comes with the first entries
        if checkpoint:
            self.stdout.write(f"checkpoint #{checkpoint.sequence} signed in {checkpoint_path()}")

    def _show(self):
        self.stdout.write(f"fingerprint: {signing.fingerprint()}")
        self.stdout.write(signing.public_key_pem().rstrip())

    def _rotate(self, path, previous_public_key):
        try:
            previous = signing.load_public_key(previous_public_key) if previous_public_key else signing.public_key()
            # The file must verify with the key it was signed with, before it is signed again.
            verified(checkpoint_path().read_bytes() if checkpoint_path().exists() else b"", key=previous)
        except (signing.SigningKeyMissing, CheckpointFileError, OSError, ValueError) as exc:
            raise CommandError(f"not rotated: {exc}") from None
        retired = path.with_name(f"{path.name}.retired-{timezone.now():%Y%m%dT%H%M%SZ}")
        if path.exists():
            os.rename(path, retired)
        try:
            signing.create_key(path)
            checkpoint = write_checkpoint(verify_with=previous)
        except BaseException:
            path.unlink(missing_ok=True)
            if retired.exists():
                os.rename(retired, path)
            raise
        retired.unlink(missing_ok=True)
        self.stdout.write(
            f"key rotated: {signing.fingerprint(previous)} retired and its private key deleted; "
            + (
                f"checkpoint #{checkpoint.sequence} signed with the new key in {checkpoint_path()}"
                if checkpoint
                else "the log is empty: the next checkpoint is the first signed with the new key"
            )
        )
