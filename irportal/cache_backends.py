"""The shared cache's backends: nothing read from the cache is unpickled, and every value is signed.

Django's Redis and file caches pickle what they store, so whoever can write
to Redis (or to ``var/cache/``) could run code in every web process on its
next read, or plant a public page. Here every value is JSON, signed with
an HMAC keyed from ``SECRET_KEY`` (``SignedJsonSerializer``); a value whose
signature does not match is logged and read as a miss. Integers are stored
as plain numbers, so Redis can count them (``INCR``); a planted number is
at most a wrong count.

``ReusingRedisCache`` is Django's Redis cache with that serializer and one
client object per connection pool (Django's client builds a new
``redis.Redis`` for every call, and its constructor costs more than the
round trip to Redis on a cached page).

``JsonFileCache`` is the embedded default's cache: one file per key under
``var/cache/``, shared by every process on the machine. A write goes to a
temporary file renamed over the old one (a reader sees the old value or the
new, never half of one); ``add`` and ``incr`` hold an exclusive lock on the
directory (``flock``) while they look and write, so of several processes
adding one key at the same instant exactly one succeeds: the public cache's
render lock holds there as on Redis.
"""

import fcntl
import hashlib
import hmac
import json
import logging
import os
import tempfile
import time
from contextlib import contextmanager, suppress
from pathlib import Path

from django.core.cache.backends.base import DEFAULT_TIMEOUT, BaseCache
from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from django.utils.crypto import salted_hmac

logger = logging.getLogger(__name__)

SIGNING_SALT = "irportal.cache_backends.SignedJsonSerializer"


class SignedJsonSerializer:
    """``dumps``: an integer as itself, anything else as ``<hmac>.<json>``; ``loads`` checks the HMAC."""

    def dumps(self, value):
        if type(value) is int:
            return value
        payload = json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode()
        return _signature(payload) + b"." + payload

    def loads(self, data):
        if isinstance(data, str):
            data = data.encode()
        with suppress(ValueError):
            return int(data)
        signature, _, payload = data.partition(b".")
        if not hmac.compare_digest(signature, _signature(payload)):
            logger.warning("a value in the shared cache failed its integrity check and was ignored")
            return None
        return json.loads(payload)


def _signature(payload: bytes) -> bytes:
    return salted_hmac(SIGNING_SALT, payload, algorithm="sha256").hexdigest().encode()


class ReusingRedisCacheClient(RedisCacheClient):
    def __init__(self, servers, serializer=None, **options):
        super().__init__(servers, serializer=serializer or SignedJsonSerializer, **options)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        index = self._get_connection_pool_index(write)
        client = self._clients.get(index)
        if client is None:
            client = self._clients[index] = self._client(connection_pool=self._get_connection_pool(write))
        return client


class ReusingRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = ReusingRedisCacheClient


class JsonFileCache(BaseCache):
    """Files under one directory: a line with the expiry (``-`` for none), then the signed value."""

    suffix = ".cache"

    def __init__(self, location, params):
        super().__init__(params)
        self._dir = Path(location)
        self._serializer = SignedJsonSerializer()

    # -- reads ----------------------------------------------------------------------------------------------------

    def get(self, key, default=None, version=None):
        found = self._read(self._path(key, version))
        return default if found is None else found

    def has_key(self, key, version=None):
        return self._read(self._path(key, version)) is not None

    # -- writes ---------------------------------------------------------------------------------------------------

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        self._write(self._path(key, version), value, self.get_backend_timeout(timeout))

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        path = self._path(key, version)
        with self._locked():
            if self._read(path) is not None:
                return False
            self._write(path, value, self.get_backend_timeout(timeout))
            return True

    def incr(self, key, delta=1, version=None):
        path = self._path(key, version)
        with self._locked():
            expires, value = self._read_entry(path)
            if value is None:
                raise ValueError(f"Key '{key}' not found")
            self._write(path, value + delta, expires, cull=False)
            return value + delta

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        path = self._path(key, version)
        with self._locked():
            value = self._read(path)
            if value is None:
                return False
            self._write(path, value, self.get_backend_timeout(timeout), cull=False)
            return True

    def delete(self, key, version=None):
        try:
            self._path(key, version).unlink()
        except FileNotFoundError:
            return False
        return True

    def clear(self):
        for path in self._entries():
            with suppress(FileNotFoundError):
                path.unlink()

    # -- files ----------------------------------------------------------------------------------------------------

    def _path(self, key, version) -> Path:
        key = self.make_and_validate_key(key, version=version)
        return self._dir / (hashlib.sha256(key.encode()).hexdigest() + self.suffix)

    def _entries(self) -> list[Path]:
        return list(self._dir.glob(f"*{self.suffix}")) if self._dir.exists() else []

    def _read(self, path: Path):
        return self._read_entry(path)[1]

    def _read_entry(self, path: Path):
        """``(expires, value)``; ``(None, None)`` for a missing, expired or forged entry."""
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            return None, None
        head, _, body = data.partition(b"\n")
        try:
            expires = None if head == b"-" else float(head)
        except ValueError:  # not a file this backend wrote
            return None, None
        if expires is not None and expires <= time.time():
            return None, None
        return expires, self._serializer.loads(body)

    def _write(self, path: Path, value, expires: float | None, *, cull: bool = True) -> None:
        self._dir.mkdir(parents=True, exist_ok=True)
        if cull:
            self._cull()
        body = self._serializer.dumps(value)
        body = str(body).encode() if isinstance(body, int) else body
        head = b"-" if expires is None else repr(expires).encode()
        descriptor, temporary = tempfile.mkstemp(dir=self._dir, suffix=".tmp")
        try:
            with os.fdopen(descriptor, "wb") as out:
                out.write(head + b"\n" + body)
            os.replace(temporary, path)
        except BaseException:
            with suppress(FileNotFoundError):
                os.unlink(temporary)
            raise

    def _cull(self) -> None:
        """Past ``MAX_ENTRIES``: drop the expired entries, then the oldest third of the rest."""
        entries = self._entries()
        if len(entries) < self._max_entries:
            return
        now, kept = time.time(), []
        for path in entries:
            with suppress(FileNotFoundError, ValueError):
                with path.open("rb") as entry:
                    head = entry.readline().strip()
                if head != b"-" and float(head) <= now:
                    path.unlink()
                else:
                    kept.append((path.stat().st_mtime, path))
        if len(kept) >= self._max_entries:
            for _, path in sorted(kept)[: max(1, len(kept) // self._cull_frequency)]:
                with suppress(FileNotFoundError):
                    path.unlink()

    @contextmanager
    def _locked(self):
        self._dir.mkdir(parents=True, exist_ok=True)
        with (self._dir / ".lock").open("a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)
