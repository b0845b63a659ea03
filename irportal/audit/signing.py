"""The checkpoint signing key: Ed25519, in a file on the app's host (``AUDIT_SIGNING_KEY_FILE``), never the database's.

Checkpoints are signed with the private key; anyone verifies them with the
public key (``tools/verify_audit_export.py --public-key``, which needs only
Python's standard library). A database administrator who rewrites the audit
table cannot make a checkpoint that matches the rewrite: the key is not on
the database host. Creation and rotation: ``manage.py audit_signing_key``
and docs/security/key-management.md.
"""

import base64
import hashlib
import os
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from django.conf import settings


class SigningKeyMissing(Exception):
    """No usable key at ``AUDIT_SIGNING_KEY_FILE``: checkpoints can be neither written nor their signature checked."""


def key_path() -> Path:
    return Path(settings.AUDIT_SIGNING_KEY_FILE)


def private_key() -> Ed25519PrivateKey:
    path = key_path()
    try:
        key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    except FileNotFoundError:
        raise SigningKeyMissing(
            f"no checkpoint signing key at {path}: make one with `python manage.py audit_signing_key create`"
        ) from None
    except (OSError, ValueError) as exc:
        raise SigningKeyMissing(f"the checkpoint signing key at {path} cannot be read: {exc}") from None
    if not isinstance(key, Ed25519PrivateKey):
        raise SigningKeyMissing(f"the checkpoint signing key at {path} is not an Ed25519 key")
    return key


def public_key() -> Ed25519PublicKey:
    return private_key().public_key()


def load_public_key(path) -> Ed25519PublicKey:
    """A public key from a PEM file (the compliance pages' download, or ``audit_signing_key show``)."""
    key = serialization.load_pem_public_key(Path(path).read_bytes())
    if not isinstance(key, Ed25519PublicKey):
        raise ValueError(f"{path} is not an Ed25519 public key")
    return key


def raw_public_key(key: Ed25519PublicKey) -> bytes:
    return key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def public_key_pem(key: Ed25519PublicKey | None = None) -> str:
    key = key or public_key()
    return key.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode()


def fingerprint(key: Ed25519PublicKey | None = None) -> str:
    """``SHA256:`` and the unpadded base64 of the raw public key's SHA-256, as OpenSSH writes fingerprints."""
    digest = hashlib.sha256(raw_public_key(key or public_key())).digest()
    return "SHA256:" + base64.b64encode(digest).decode().rstrip("=")


def sign(message: bytes) -> str:
    return base64.b64encode(private_key().sign(message)).decode()


def signature_valid(key: Ed25519PublicKey, message: bytes, signature: str) -> bool:
    try:
        key.verify(base64.b64decode(signature, validate=True), message)
    except (InvalidSignature, ValueError):
        return False
    return True


def create_key(path: Path) -> Ed25519PublicKey:
    """A new key at ``path``, readable by its owner only; an existing file there is refused."""
    path.parent.mkdir(parents=True, exist_ok=True)
    pem = Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(pem)
    return serialization.load_pem_private_key(pem, password=None).public_key()
