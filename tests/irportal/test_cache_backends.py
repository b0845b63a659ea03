"""The shared cache's backends: what they read is never unpickled, a forged value is a miss, and on the embedded
default's files ``add`` is atomic across processes (the public cache's render lock, single flight)."""

import base64
import json
import multiprocessing
import pickle
import uuid
from pathlib import Path

import pytest
import redis

from irportal.cache_backends import JsonFileCache, ReusingRedisCache, SignedJsonSerializer


class Planted:
    """What someone who can write to the cache would plant: unpickling it creates ``marker``."""

    def __init__(self, marker: Path):
        self.marker = marker

    def __reduce__(self):
        return (Path.touch, (self.marker,))


@pytest.fixture(params=["file", "redis"])
def backend(request, tmp_path):
    """Each backend, and a way to write raw bytes under one of its keys as an intruder would."""
    if request.param == "file":
        cache = JsonFileCache(str(tmp_path / "cache"), {})

        def plant(key, data: bytes):
            cache.set(key, "placeholder")
            path = cache._path(key, None)
            path.write_bytes(b"-\n" + data)

        return cache, plant
    url = request.getfixturevalue("redis_url")
    cache = ReusingRedisCache(url, {"KEY_PREFIX": f"irportal-test-{uuid.uuid4().hex}"})
    raw = redis.Redis.from_url(url)
    return cache, lambda key, data: raw.set(cache.make_key(key), data)


def test_values_round_trip_as_json_and_integers_count(backend):
    cache, _ = backend
    cache.set("page", {"content": "aGk=", "headers": {"X-Frame-Options": "DENY"}})
    assert cache.get("page") == {"content": "aGk=", "headers": {"X-Frame-Options": "DENY"}}
    assert cache.add("counter", 1) is True and cache.add("counter", 1) is False
    assert cache.incr("counter") == 2
    cache.delete("counter")
    assert cache.get("counter") is None


def test_a_pickle_planted_in_the_cache_is_never_unpickled(backend, tmp_path):
    cache, plant = backend
    marker = tmp_path / "code-ran"
    plant("public:generation", pickle.dumps(Planted(marker)))
    assert cache.get("public:generation") is None
    assert not marker.exists()


def test_a_value_written_without_the_key_is_a_miss(backend):
    cache, plant = backend
    forged = json.dumps({"content": base64.b64encode(b"<h1>Planted</h1>").decode()}).encode()
    plant("page", b"0" * 64 + b"." + forged)
    assert cache.get("page") is None
    plant("page", forged)
    assert cache.get("page") is None


def test_a_value_signed_with_another_secret_key_is_a_miss(settings):
    signed = SignedJsonSerializer().dumps({"generation": "a"})
    settings.SECRET_KEY = "another-secret-key-for-this-test-only-0123456789abcdef"
    assert SignedJsonSerializer().loads(signed) is None


def _contend(location: str, barrier, wins, index: int) -> None:
    cache = JsonFileCache(location, {})
    barrier.wait()
    wins[index] = 1 if cache.add("public:copy:x:rendering:g", 1, 10) else 0


@pytest.mark.parametrize("attempt", range(5))
def test_of_processes_adding_one_key_at_the_same_instant_exactly_one_succeeds(tmp_path, attempt):
    context = multiprocessing.get_context("fork")
    contenders = 8
    barrier, wins = context.Barrier(contenders), context.Array("i", contenders)
    location = str(tmp_path / "cache")
    processes = [context.Process(target=_contend, args=(location, barrier, wins, n)) for n in range(contenders)]
    for process in processes:
        process.start()
    for process in processes:
        process.join(timeout=60)
    assert all(process.exitcode == 0 for process in processes)
    assert sum(wins) == 1
