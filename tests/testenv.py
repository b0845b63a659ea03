"""Environment defaults for the test run, loaded as a pytest plugin before Django's settings.

Tests run with DEBUG off, like production, on plain HTTP. DATABASE_URL and
REDIS_URL from the environment win; without them the suite uses SQLite and
starts a private redis-server where the Redis-backed tests need one.
"""

import os
import tempfile

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

_scratch = tempfile.mkdtemp(prefix="irportal-test-")
os.makedirs(os.path.join(_scratch, "static"), exist_ok=True)

# The audit checkpoints' signing key where the settings look for it (IRPORTAL_VAR_DIR), made as
# `manage.py audit_signing_key create` makes it.
_signing_key = os.path.join(_scratch, "audit-signing-key.pem")
with open(_signing_key, "wb") as _handle:
    _handle.write(
        Ed25519PrivateKey.generate().private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
os.chmod(_signing_key, 0o600)

for name, value in {
    "DJANGO_SETTINGS_MODULE": "irportal.settings",
    "SECRET_KEY": "test-only-secret-key-not-for-production-0123456789abcdef",
    "DEBUG": "false",
    "ALLOWED_HOSTS": "testserver,localhost,127.0.0.1",
    "SECURE_SSL_REDIRECT": "false",
    "SESSION_COOKIE_SECURE": "false",
    "CSRF_COOKIE_SECURE": "false",
    "SECURE_HSTS_SECONDS": "0",
    "STATIC_MANIFEST": "false",
    "EMAIL_URL": "locmem://",
    "IRPORTAL_VAR_DIR": _scratch,
    "AUDIT_SIGNING_KEY_FILE": _signing_key,
    "CACHE_KEY_PREFIX": f"irportal-test-{os.getpid()}",
}.items():
    os.environ.setdefault(name, value)
