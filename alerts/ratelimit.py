"""Fixed-window request counters in the cache (Redis when configured), shared by every web process."""

import time

from django.core.cache import cache


def allow(scope: str, key: str, *, limit: int, window: int) -> bool:
    """Count one request for ``key`` in this window; False once it is over ``limit``."""
    bucket = int(time.time() // window)
    cache_key = f"alerts:rate:{scope}:{key}:{bucket}"
    cache.add(cache_key, 0, timeout=window + 60)
    try:
        count = cache.incr(cache_key)
    except ValueError:
        # The counter expired between add and incr: this request opens a new one.
        cache.set(cache_key, 1, timeout=window + 60)
        count = 1
    return count <= limit
