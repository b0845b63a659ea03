"""The public cache: pages and feeds served from the shared cache without lying.

A view of the public site is marked with ``public_page`` where its address is
declared (``investors/urls.py``, ``irportal/urls.py``); the mark only says
which query parameters the page reads. ``PublicCacheMiddleware`` does
everything else, in one place:

- **Look-up.** One round trip to the shared cache (Redis, or files under
  ``var/cache/`` in the embedded default) for the current *generation* and
  the page's copy (one per language and address, ``PagePolicy.key``). A
  copy made in the current generation, before its expiry, is the answer,
  before authentication runs: no SQL.
- **One render per page and generation.** On a miss one request takes a lock
  in the shared cache (``cache.add``) and renders; the others wait up to
  ``RENDER_WAIT_SECONDS`` for its copy, then render themselves.
- **Expiry.** A copy is valid until the next scheduled change
  (``schedule.next_change``), at most ``PUBLIC_CACHE_SECONDS``, so nothing
  shows before its embargo or after its replay window. It stays in the cache
  ``PUBLIC_CACHE_STALE_SECONDS`` longer, to be answered while the database
  is down, and for nothing else.
- **Database down.** A render that fails because the database cannot be
  reached answers the page's last copy, marked stale (``Warning``, ``Age``,
  ``Cache-Control: no-store``), only if that copy was made in the current
  generation: a copy from before a withdrawal (or any other change the
  public pages show) is never answered again. Without one, 503 with
  ``Retry-After``. Never a 500.
- **What every page reads alike.** The next scheduled change and the
  sections the navigation shows are the same for every page until that
  change or the next generation, whichever comes first. The first render of
  a generation reads them and keeps them (``Reading``, with the generation
  it was read in); a later miss in the same generation reads them with the
  copy's look-up, in the same round trip, instead of asking the database.
- **What is stored.** A copy is a JSON object (the body base64-encoded),
  signed by the cache backend (``irportal.cache_backends``): nothing read
  from the cache is unpickled, and a copy someone wrote into Redis without
  the key is a miss.

``invalidate_public_pages()`` starts a new generation: every copy made before
is ignored by every web process from that moment on. It runs after every
committed change the public pages show (``investors/receivers.py``) and queues
``investors.tasks.warm_public_pages``, which renders the pages most visitors
open first into the new generation.

Responses carry ``Cache-Control: public, max-age=..., s-maxage=...``, an
``ETag`` and a ``Last-Modified``; conditional GETs are answered with 304.
The lifetimes must not outlive the next scheduled change, and must not give
it away either: a lifetime that counted down to the change would tell anyone
the second an embargoed release goes live. Every time staff type is a whole
minute (``irportal.forms.LocalDateTimeField``), so every scheduled change
falls on a minute boundary, and every answer's lifetime runs to the next
minute boundary (at most the ceilings ``PUBLIC_CACHE_BROWSER_SECONDS`` and
``PUBLIC_CACHE_PROXY_SECONDS``), whatever is scheduled. A change scheduled
off the minute by other means (a script) gets lifetimes of 0 until it has
passed, so it is never outlived.
"""

import base64
import binascii
import dataclasses
import datetime as dt
import functools
import hashlib
import logging
import math
import time
import uuid
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlsplit

from django.conf import settings
from django.core import serializers
from django.core.cache import cache
from django.core.serializers.base import DeserializationError
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.urls import Resolver404, resolve, reverse
from django.utils import timezone, translation
from django.utils.cache import get_conditional_response
from django.utils.functional import SimpleLazyObject
from django.utils.http import http_date

from company.models import CompanyProfile
from investors import schedule
from investors.navigation import profile_with_sections
from irportal.celery import app as celery_app
from irportal.ops import metrics
from irportal.workflow.languages import disclosure_languages

logger = logging.getLogger(__name__)
# One line per page rendered into the cache (PUBLIC_CACHE_LOG_RENDERS switches it on).
render_log = logging.getLogger("investors.cache.renders")

GENERATION_KEY = "public:generation"
PAGE_KEY_PREFIX = "public:copy:"
READING_KEY = "public:reading"
CACHEABLE_STATUS = {200, 410}
# Headers the cache sets itself on every answer; the copy keeps every other header of the rendered page.
ANSWER_HEADERS = {"content-type", "etag", "last-modified", "cache-control", "expires"}
# What a render that cannot reach the database raises.
DATABASE_DOWN = (OperationalError, InterfaceError)
RENDER_LOCK_SECONDS = 10
RENDER_WAIT_SECONDS = 2.0
RENDER_POLL_SECONDS = 0.02
RETRY_AFTER_SECONDS = 30
# Rendered again after every invalidation, so that most visitors never meet a miss.
WARMED_PAGES = ("investors:home", "news:list", "news:feed")
WARM_TASK = "investors.tasks.warm_public_pages"
WARMING_QUEUED_KEY = "public:warming-queued"
WARMING_QUEUED_SECONDS = 60


@dataclass(frozen=True)
class PagePolicy:
    """How a public view is cached: ``params`` are the query parameters its output depends on."""

    params: tuple[str, ...] = ()
    uncached_params: tuple[str, ...] = ()

    def key(self, request) -> str:
        """One key per language and address: scheme, host, path and only the query parameters the page reads.

        The language is the one the address names (``/fr/...``; none is the primary), as ``LocaleMiddleware``
        activates it for the render: a copy made in one language is never answered in another.
        """
        language = translation.get_language_from_path(request.path_info) or settings.LANGUAGE_CODE
        query = "&".join(f"{name}={request.GET.get(name, '')}" for name in self.params)
        address = f"{language} {request.scheme}://{request.get_host()}{request.path}?{query}"
        return PAGE_KEY_PREFIX + hashlib.sha256(address.encode()).hexdigest()

    def stores(self, request) -> bool:
        """Whether this request's answer is kept; with any of ``uncached_params`` (a search) it never is."""
        return settings.PUBLIC_CACHE and not any(request.GET.get(name) for name in self.uncached_params)


def public_page(view=None, *, params: tuple[str, ...] = (), uncached_params: tuple[str, ...] = ()):
    """Mark a view as a public page, served by ``PublicCacheMiddleware``; the view itself is unchanged."""

    def mark(view_func):
        @functools.wraps(view_func)
        def marked(request, *args, **kwargs):
            return view_func(request, *args, **kwargs)

        marked.public_page = PagePolicy(tuple(params), tuple(uncached_params))
        return marked

    return mark(view) if view is not None else mark


@dataclass
class CachedPage:
    generation: str
    made_at: float
    expires_at: float
    status: int
    content_type: str
    content: bytes
    etag: str
    last_modified: int
    headers: dict
    changes_at: float | None = None  # the next scheduled change when the copy was made

    def stored(self) -> dict:
        """The copy as the cache keeps it: JSON, the body in base64."""
        return dataclasses.asdict(self) | {"content": base64.b64encode(self.content).decode("ascii")}

    @classmethod
    def from_stored(cls, value) -> "CachedPage | None":
        """A copy read from the cache; None for anything that is not one."""
        if not isinstance(value, dict):
            return None
        try:
            return cls(**(value | {"content": base64.b64decode(value["content"], validate=True)}))
        except (KeyError, TypeError, ValueError, binascii.Error):
            return None

    def is_fresh(self, generation: str | None, now: float) -> bool:
        return self.generation == generation and now < self.expires_at

    def response(self) -> HttpResponse:
        response = HttpResponse(self.content, status=self.status, content_type=self.content_type, headers=self.headers)
        response["ETag"] = self.etag
        response["Last-Modified"] = http_date(self.last_modified)
        return response


@dataclass
class Reading:
    """What every public page of one generation reads alike from ``made_at`` until ``expires_at``: when the site
    next changes by itself (``changes_at``, None for nothing scheduled), the sections the navigation shows and
    the company profile (None until a page read them).

    Read before anything is read from the database, the generation makes it safe: a change committed after
    the read starts a new generation, and a reading kept with the old one is never used again. A process whose
    clock is behind the one that made it (before ``made_at``) reads for itself: for it an embargo that
    the reading has seen pass may still be ahead.
    """

    generation: str
    made_at: float
    expires_at: float
    changes_at: float | None
    sections: list[str] | None = None
    profile: str | None = None  # in Django's JSON serialization (``_kept_profile``)

    @classmethod
    def from_stored(cls, value, generation: str, now: float) -> "Reading | None":
        """The reading kept in the cache, if it is one, of ``generation``, and valid at ``now``; else None."""
        if not isinstance(value, dict):
            return None
        try:
            reading = cls(**value)
        except TypeError:
            return None
        if reading.generation != generation or not reading.made_at <= now < reading.expires_at:
            return None
        return reading


def invalidate_public_pages() -> None:
    """Drop every cached public page, on every web process, at once; then have them rendered again.

    The generation is a fresh random token rather than a counter, so a cache
    that lost the key (eviction, restart) can never bring an old copy back.
    Raises when the cache cannot keep the new generation: a withdrawal's
    announcement (an outbox row) is then tried again until it can, rather
    than leaving old copies to come back when the cache does.
    """
    cache.set(GENERATION_KEY, uuid.uuid4().hex, timeout=None)
    _queue_warming()


def _queue_warming() -> None:
    """Queue one warming unless one already waits for a worker: a sweep that changes many rows queues one."""
    try:
        if cache.add(WARMING_QUEUED_KEY, 1, timeout=WARMING_QUEUED_SECONDS):
            # Without retries: a broker that is down costs the change milliseconds, and visitors render the pages.
            celery_app.send_task(WARM_TASK, retry_policy={"max_retries": 0})
    except Exception:  # warming is an optimisation
        logger.warning("could not queue %s; the first visitors render the pages", WARM_TASK, exc_info=True)
        with suppress(Exception):
            cache.delete(WARMING_QUEUED_KEY)


def warm_public_pages() -> list[tuple[str, int]]:
    """Render the pages most visitors open first into the cache, in every disclosure language, as a visitor of
    ``SITE_URL`` would.

    Each request goes through the whole middleware stack with the site's
    host and scheme, so the copies are the ones visitors are answered from.
    A page that already has a copy of the current generation is not
    rendered again. Returns each path with its status.
    """
    from django.test import Client  # a full request through the stack, without a socket

    cache.delete(WARMING_QUEUED_KEY)  # changes from now on queue the next warming
    site = urlsplit(settings.SITE_URL)
    client = Client(headers={"host": site.netloc}, raise_request_exception=False)
    answers = []
    for language in disclosure_languages():
        for name in WARMED_PAGES:
            with translation.override(language):
                path = reverse(name)
            status = client.get(path, secure=site.scheme == "https").status_code
            if status != 200:
                logger.warning("warming %s%s answered %s", settings.SITE_URL, path, status)
            answers.append((path, status))
    return answers


class PublicCacheMiddleware:
    """Answers the views marked ``public_page``: from the cache, rendered once, or stale when the database is down.

    It sits right after the middleware whose work every answer needs
    (security, static files, the request id, the session it leaves alone)
    and before the rest: a cached page is answered without CSRF,
    authentication or the staff checks, which a public page never reads. On a
    miss the rest of the stack renders the page, and the copy keeps what it
    added (frame options, content security policy). A public page shows
    nothing of the visitor: no messages (the templates check
    ``request.public_page``), no sign-in, no CSRF token (a page that sets a
    cookie is not kept).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        policy = _policy(request)
        if policy is None:
            return self.get_response(request)
        request.public_page = True
        # Read on first use, with the sections the navigation shows (investors/navigation.py): in one query,
        # or without them when the generation's reading has them (_render_and_keep).
        request.company = SimpleLazyObject(lambda: _public_profile(request))
        if not policy.stores(request):
            return _uncached(request, self.get_response)
        return _cached(request, policy.key(request), self.get_response)

    def process_exception(self, request, exception):
        """A public page whose render cannot reach the database: its last copy, marked stale, or 503."""
        policy = getattr(request.resolver_match.func, "public_page", None) if request.resolver_match else None
        if policy is None or not isinstance(exception, DATABASE_DOWN):
            return None
        logger.warning("database unavailable while rendering %s", request.path, exc_info=exception)
        return _stale_or_unavailable(_current_copy(policy.key(request)) if policy.stores(request) else None)


def _public_profile(request):
    """The company profile of a public page, with the names of the sections the navigation shows: the
    generation's reading's (``_render_and_keep``), else read in one query."""
    profile = getattr(request, "public_profile", None)
    if profile is None:
        request.public_profile = profile = profile_with_sections(timezone.now())
    CompanyProfile.remember(profile)
    return profile


def kept_sections() -> list[str] | None:
    """The names of the sections the navigation shows, from the generation's reading (``Reading``) when the public
    cache keeps one valid now with them, in one round trip; else None (read them).

    For a page the public cache does not keep (the alerts form sets a cookie): it shows the same navigation.
    """
    if not settings.PUBLIC_CACHE:
        return None
    try:
        found = cache.get_many([GENERATION_KEY, READING_KEY])
    except Exception:  # noqa: BLE001 - read them
        return None
    generation = found.get(GENERATION_KEY)
    reading = Reading.from_stored(found.get(READING_KEY), generation, time.time()) if generation else None
    return reading.sections if reading is not None else None


def _policy(request) -> PagePolicy | None:
    """The cache policy of the view this request goes to; the one place the public cache resolves an address.

    The match is kept on the request as Django keeps it, so the request log
    names the view of a cached page without resolving its address again.
    """
    if request.method not in {"GET", "HEAD"}:
        return None
    try:
        request.resolver_match = resolve(request.path_info)
    except Resolver404:
        return None
    return getattr(request.resolver_match.func, "public_page", None)


def _uncached(request, get_response):
    response = get_response(request)
    response.setdefault("Cache-Control", "no-cache")
    return response


def _cached(request, key, get_response):
    try:
        generation, copy, reading = _look_up(key)
    except Exception:  # without the cache the page is slower, never missing
        logger.exception("public cache unavailable; rendering %s uncached", request.path)
        return _uncached(request, get_response)
    if copy is not None and copy.is_fresh(generation, time.time()):
        metrics.public_cache_hit()
        return _answer(request, copy)
    with _render_lock(key, generation) as first:
        ready = _fresh_copy(key) if first else _wait_for_copy(key, generation)
        if ready is not None:
            metrics.public_cache_hit()
            return _answer(request, ready)
        metrics.public_cache_miss()
        return _render_and_keep(request, key, generation, copy, reading, get_response)


def _current_copy(key: str) -> CachedPage | None:
    """The page's last copy if it was made in the current generation, fresh or not; else None."""
    try:
        generation, copy, _reading = _look_up(key)
    except Exception:  # noqa: BLE001 - no copy to answer with
        return None
    return copy if copy is not None and copy.generation == generation else None


def _look_up(key: str) -> tuple[str, CachedPage | None, Reading | None]:
    """The current generation (started here if the cache has none), the page's copy and the generation's reading
    valid now, in one round trip."""
    found = cache.get_many([GENERATION_KEY, key, READING_KEY])
    generation = found.get(GENERATION_KEY)
    if generation is None:
        cache.add(GENERATION_KEY, uuid.uuid4().hex, timeout=None)
        # A cache that cannot keep the key at all gets a generation no copy was made in.
        generation = cache.get(GENERATION_KEY) or uuid.uuid4().hex
    reading = Reading.from_stored(found.get(READING_KEY), generation, time.time())
    return generation, CachedPage.from_stored(found.get(key)), reading


def _lock_key(key: str, generation: str) -> str:
    return f"{key}:rendering:{generation}"


@contextmanager
def _render_lock(key: str, generation: str):
    """Taken by the first request that misses a page in a generation; yields whether it is this one.

    ``cache.add`` is atomic on Redis. The file-based cache of the embedded
    default checks and writes in two steps, so there a few requests arriving
    at the same instant may each render.
    """
    lock = _lock_key(key, generation)
    try:
        taken = cache.add(lock, 1, timeout=RENDER_LOCK_SECONDS)
    except Exception:  # noqa: BLE001 - without the lock, render
        taken = None
    try:
        yield taken is not False
    finally:
        if taken:
            try:
                cache.delete(lock)
            except Exception:  # the lock runs out by itself
                logger.warning("could not release %s", lock, exc_info=True)


def _fresh_copy(key: str) -> CachedPage | None:
    """The page's copy if it is fresh now: the request that held the lock before may have just kept it. Read with
    the current generation only (the look-up read the generation's reading)."""
    try:
        found = cache.get_many([GENERATION_KEY, key])
    except Exception:  # noqa: BLE001 - render
        return None
    return _if_fresh(found, key)


def _wait_for_copy(key: str, generation: str) -> CachedPage | None:
    """Wait for the request holding the lock to keep its copy; ``None`` when it gave up or took too long."""
    lock = _lock_key(key, generation)
    deadline = time.monotonic() + RENDER_WAIT_SECONDS
    while time.monotonic() < deadline:
        time.sleep(RENDER_POLL_SECONDS)
        try:
            found = cache.get_many([GENERATION_KEY, key, lock])
        except Exception:  # noqa: BLE001 - render
            return None
        copy = _if_fresh(found, key)
        if copy is not None:
            return copy
        if lock not in found:  # the render failed or made nothing to keep
            return None
    return None


def _if_fresh(found: dict, key: str) -> CachedPage | None:
    """The copy of ``key`` among the values ``found`` with the current generation, if it is fresh now."""
    copy = CachedPage.from_stored(found.get(key))
    return copy if copy is not None and copy.is_fresh(found.get(GENERATION_KEY), time.time()) else None


def _render_and_keep(
    request, key: str, generation: str, previous: CachedPage | None, reading: Reading | None, get_response
):
    now = timezone.now()
    if reading is None:
        try:
            next_change = schedule.next_change(now)
        except DATABASE_DOWN:
            logger.warning("database unavailable while rendering %s", request.path, exc_info=True)
            return _stale_or_unavailable(
                previous if previous is not None and previous.generation == generation else None
            )
        changes_at = next_change.timestamp() if next_change else None
        expires_at = now.timestamp() + settings.PUBLIC_CACHE_SECONDS
        if changes_at is not None:
            expires_at = min(expires_at, changes_at)
        reading, kept = Reading(generation, now.timestamp(), expires_at, changes_at), False
    else:
        kept = True
        profile = _kept_profile(reading)
        if profile is not None:
            request.public_profile = profile
            CompanyProfile.remember(profile)
    # A view that cannot reach the database comes back stale or 503 (process_exception), marked no-store.
    response = get_response(request)
    _keep_reading(reading, kept, getattr(request, "public_profile", None))
    changes_at, expires_at = reading.changes_at, reading.expires_at
    until = dt.datetime.fromtimestamp(changes_at, dt.UTC).isoformat() if changes_at is not None else "-"
    render_log.info("rendered path=%s generation=%s until=%s", request.path, generation, until)
    if not _storable(response):
        return response
    copy = _make_copy(
        response, generation=generation, expires_at=expires_at, changes_at=changes_at, now=now, previous=previous
    )
    try:
        cache.set(
            key, copy.stored(), timeout=_seconds_left(now.timestamp(), expires_at) + settings.PUBLIC_CACHE_STALE_SECONDS
        )
    except Exception:  # a copy not kept is rendered again next time
        logger.exception("could not keep a public cache copy of %s", request.path)
    return _answer(request, copy)


def _keep_reading(reading: Reading, kept: bool, profile: CompanyProfile | None) -> None:
    """Keep the generation's reading if this render made it, or read the profile and sections it did not have."""
    if reading.profile is None and profile is not None:
        reading.sections, reading.profile = (
            sorted(profile.public_section_names),
            serializers.serialize("json", [profile]),
        )
    elif kept:
        return
    timeout = _seconds_left(time.time(), reading.expires_at)
    if timeout <= 0:
        return
    try:
        cache.set(READING_KEY, dataclasses.asdict(reading), timeout=timeout)
    except Exception:  # read again next time
        logger.warning("could not keep the public pages' reading", exc_info=True)


def _kept_profile(reading: Reading) -> CompanyProfile | None:
    """The company profile the reading keeps, with the sections the navigation shows; None when it keeps none,
    or one this version cannot read (kept by an older one before a deploy)."""
    if not isinstance(reading.profile, str) or reading.sections is None:
        return None
    try:
        profile = next(serializers.deserialize("json", reading.profile)).object
    except (DeserializationError, StopIteration):
        return None
    profile.public_section_names = frozenset(reading.sections)
    return profile


def _storable(response) -> bool:
    return (
        response.status_code in CACHEABLE_STATUS
        and not response.streaming
        and not response.cookies
        and not response.has_header("Vary")
        and "no-store" not in response.get("Cache-Control", "")
    )


def _make_copy(
    response, *, generation: str, expires_at: float, changes_at: float | None, now: datetime, previous
) -> CachedPage:
    content = response.content
    etag = f'"{hashlib.sha256(content).hexdigest()[:32]}"'
    if previous is not None and previous.etag == etag:
        last_modified = previous.last_modified
    else:
        # Strictly later than the copy it replaces, so If-Modified-Since never matches a changed page.
        last_modified = max(math.floor(now.timestamp()), previous.last_modified + 1 if previous else 0)
    return CachedPage(
        generation=generation,
        made_at=now.timestamp(),
        expires_at=expires_at,
        status=response.status_code,
        content_type=response["Content-Type"],
        content=content,
        etag=etag,
        last_modified=last_modified,
        headers={name: value for name, value in response.items() if name.lower() not in ANSWER_HEADERS},
        changes_at=changes_at,
    )


def _seconds_left(now: float, until: float) -> int:
    return max(0, math.floor(until - now))


def _lifetime(copy: CachedPage, now: float) -> int:
    """Seconds to the next minute boundary, whatever is scheduled (0 before a change off the minute)."""
    boundary = (math.floor(now) // 60 + 1) * 60
    if copy.changes_at is not None and copy.changes_at < boundary:
        return 0
    return _seconds_left(now, boundary)


def _answer(request, copy: CachedPage):
    lifetime = _lifetime(copy, time.time())
    response = copy.response()
    browser = min(settings.PUBLIC_CACHE_BROWSER_SECONDS, lifetime)
    proxy = min(settings.PUBLIC_CACHE_PROXY_SECONDS, lifetime)
    response["Cache-Control"] = f"public, max-age={browser}, s-maxage={proxy}"
    return get_conditional_response(request, etag=copy.etag, last_modified=copy.last_modified, response=response)


def _stale_or_unavailable(copy: CachedPage | None) -> HttpResponse:
    """The page's last copy of the current generation, whatever its expiry, marked stale; 503 without one."""
    if copy is None:
        return _unavailable()
    response = copy.response()
    response["Age"] = str(_seconds_left(copy.made_at, time.time()))
    response["Warning"] = '110 - "Response is Stale"'
    response["Cache-Control"] = "no-store"
    return response


def _unavailable() -> HttpResponse:
    response = HttpResponse(render_to_string("public/unavailable.html"), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response
