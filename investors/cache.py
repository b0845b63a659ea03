"""The public cache: pages and feeds served from Django's cache without lying.

Every public page, feed and sitemap is wrapped in ``public_page``. A request
first asks the cache (one round trip to Redis, no SQL) for the current
*generation* and the page's copy; a copy made in the current generation and
before its expiry is answered as it is. Otherwise the view renders it and the
copy is kept until the next scheduled change (``schedule.next_change``), at
most ``PUBLIC_CACHE_SECONDS``.

``invalidate_public_pages()`` starts a new generation: every copy made before
is ignored by every web instance from that moment on. It runs after every
committed change of state of a release or event (``state_changed``) and after
changes of the company profile, contacts, boilerplates and releases; the
events app calls it on replay changes that are not workflow transitions.

Responses carry ``Cache-Control: public, max-age=..., s-maxage=...`` bounded
by the same next change, an ``ETag`` and a ``Last-Modified``, and conditional
GETs are answered with 304.
"""

import functools
import hashlib
import logging
import math
import uuid
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.urls import Resolver404, resolve
from django.utils import timezone
from django.utils.cache import get_conditional_response
from django.utils.http import http_date

from investors import schedule
from irportal.ops import metrics

logger = logging.getLogger(__name__)

GENERATION_KEY = "public:generation"
PAGE_KEY_PREFIX = "public:page:"
CACHEABLE_STATUS = {200, 410}
KEPT_HEADERS = ("X-Robots-Tag", "Content-Language")
# Added by middleware after the view: kept with the copy so that a copy answered before that middleware has them.
FINAL_HEADERS = ("Content-Security-Policy", "Content-Security-Policy-Report-Only", "X-Frame-Options")


def invalidate_public_pages() -> None:
    """Drop every cached public page, on every web instance, at once.

    The generation is a fresh random token rather than a counter, so a cache
    that lost the key (eviction, restart) can never bring an old copy back.
    """
    try:
        cache.set(GENERATION_KEY, uuid.uuid4().hex, timeout=None)
    except Exception:  # a cache outage must not fail the change that invalidates
        logger.exception("could not start a new public cache generation")


def current_generation(found: dict) -> str:
    generation = found.get(GENERATION_KEY)
    if generation is None:
        cache.add(GENERATION_KEY, uuid.uuid4().hex, timeout=None)
        # A cache that cannot keep the key at all gets a generation no copy was made in.
        generation = cache.get(GENERATION_KEY) or uuid.uuid4().hex
    return generation


@dataclass
class CachedPage:
    generation: str
    expires_at: float
    status: int
    content_type: str
    content: bytes
    etag: str
    last_modified: int
    headers: dict

    def response(self) -> HttpResponse:
        response = HttpResponse(self.content, status=self.status, content_type=self.content_type, headers=self.headers)
        response["ETag"] = self.etag
        response["Last-Modified"] = http_date(self.last_modified)
        return response


def page_key(request, params) -> str:
    """One key per address: scheme, host, path and only the query parameters the page reads."""
    query = "&".join(f"{name}={request.GET.get(name, '')}" for name in params)
    address = f"{request.scheme}://{request.get_host()}{request.path}?{query}"
    return PAGE_KEY_PREFIX + hashlib.sha256(address.encode()).hexdigest()


def _seconds_left(now: datetime, until: float) -> int:
    return max(0, math.floor(until - now.timestamp()))


def _cache_control(response, seconds_left: int) -> None:
    browser = min(settings.PUBLIC_CACHE_BROWSER_SECONDS, seconds_left)
    proxy = min(settings.PUBLIC_CACHE_PROXY_SECONDS, seconds_left)
    response["Cache-Control"] = f"public, max-age={browser}, s-maxage={proxy}"


def _cacheable(response) -> bool:
    return (
        response.status_code in CACHEABLE_STATUS
        and not response.streaming
        and not response.cookies
        and "Vary" not in response
    )


def _make_copy(response, *, generation: str, expires_at: float, now: datetime, previous) -> CachedPage:
    content = response.content
    etag = f'"{hashlib.sha256(content).hexdigest()[:32]}"'
    if previous is not None and previous.etag == etag:
        last_modified = previous.last_modified
    else:
        # Strictly later than the copy it replaces, so If-Modified-Since never matches a changed page.
        last_modified = max(math.floor(now.timestamp()), previous.last_modified + 1 if previous else 0)
    return CachedPage(
        generation=generation,
        expires_at=expires_at,
        status=response.status_code,
        content_type=response["Content-Type"],
        content=content,
        etag=etag,
        last_modified=last_modified,
        headers={name: response[name] for name in KEPT_HEADERS if name in response},
    )


def public_page(view=None, *, params: tuple[str, ...] = (), uncached_params: tuple[str, ...] = ()):
    """Serve a public view from the cache; ``params`` are the query parameters its output depends on.

    A request with any of ``uncached_params`` (e.g. a search query) is
    rendered every time and never stored.
    """

    def decorator(view_func):
        @functools.wraps(view_func)
        def wrapper(request, *args, **kwargs):
            request.public_page = True
            if not _uses_cache(request, uncached_params):
                response = view_func(request, *args, **kwargs)
                response.setdefault("Cache-Control", "no-cache")
                return response
            return _serve(request, page_key(request, params), view_func, args, kwargs)

        wrapper.public_cache_params = (params, uncached_params)
        return wrapper

    return decorator(view) if view is not None else decorator


def _uses_cache(request, uncached_params) -> bool:
    return (
        settings.PUBLIC_CACHE
        and request.method in {"GET", "HEAD"}
        and not any(request.GET.get(name) for name in uncached_params)
    )


class PublicCacheMiddleware:
    """Answers a request for a cached public page before the rest of the stack runs.

    It sits after the middleware that sets response headers for every page
    (security, frame options, content security policy) and before sessions,
    CSRF and authentication, which a public page never reads. A miss goes on
    to the view, whose ``public_page`` wrapper renders and keeps the copy,
    reusing what this lookup found.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        answer = self._cached_answer(request)
        if answer is not None:
            return answer
        request.public_cache_keeps_copy = True
        response = self.get_response(request)
        pending = getattr(request, "public_cache_pending", None)
        if pending is not None:
            key, fresh, seconds = pending
            fresh.headers.update({name: response[name] for name in FINAL_HEADERS if name in response})
            _keep(request, key, fresh, seconds)
        return response

    def _cached_answer(self, request):
        if request.method not in {"GET", "HEAD"} or not settings.PUBLIC_CACHE:
            return None
        try:
            match = resolve(request.path_info)
        except Resolver404:
            return None
        params, uncached_params = getattr(match.func, "public_cache_params", (None, None))
        if params is None or not _uses_cache(request, uncached_params):
            return None
        key = page_key(request, params)
        try:
            found = cache.get_many([GENERATION_KEY, key])
        except Exception:  # the view renders without the cache
            logger.exception("public cache unavailable; rendering %s uncached", request.path)
            return None
        request.public_cache_lookup = (key, found)
        now = timezone.now()
        copy = found.get(key)
        if copy is not None and copy.generation == found.get(GENERATION_KEY) and now.timestamp() < copy.expires_at:
            metrics.public_cache_hit()
            return _answer(request, copy, now)
        return None


def _serve(request, key, view_func, args, kwargs):
    now = timezone.now()
    try:
        looked_up_key, found = getattr(request, "public_cache_lookup", (None, None))
        if looked_up_key != key:
            found = cache.get_many([GENERATION_KEY, key])
        generation = current_generation(found)
    except Exception:  # without the cache the page is slower, never missing
        logger.exception("public cache unavailable; rendering %s uncached", request.path)
        return view_func(request, *args, **kwargs)
    copy = found.get(key)
    if copy is not None and copy.generation == generation and now.timestamp() < copy.expires_at:
        metrics.public_cache_hit()
        return _answer(request, copy, now)
    metrics.public_cache_miss()
    next_change = schedule.next_change(now)
    expires_at = now.timestamp() + settings.PUBLIC_CACHE_SECONDS
    if next_change is not None:
        expires_at = min(expires_at, next_change.timestamp())
    response = view_func(request, *args, **kwargs)
    if hasattr(response, "render") and callable(response.render):
        response = response.render()
    if not _cacheable(response):
        return response
    fresh = _make_copy(response, generation=generation, expires_at=expires_at, now=now, previous=copy)
    seconds = _seconds_left(now, expires_at)
    if seconds > 0:
        if getattr(request, "public_cache_keeps_copy", False):
            request.public_cache_pending = (key, fresh, seconds)
        else:
            _keep(request, key, fresh, seconds)
    return _answer(request, fresh, now)


def _keep(request, key: str, copy: CachedPage, seconds: int) -> None:
    try:
        cache.set(key, copy, timeout=seconds)
    except Exception:  # a copy not kept is rendered again next time
        logger.exception("could not keep a public cache copy of %s", request.path)


def _answer(request, copy: CachedPage, now: datetime):
    response = copy.response()
    _cache_control(response, _seconds_left(now, copy.expires_at))
    return get_conditional_response(request, etag=copy.etag, last_modified=copy.last_modified, response=response)
