"""Prometheus metrics at ``/metrics``, for the operator's scraper only (``METRICS_TOKEN``).

Two kinds of figures:

* Counted in the web processes as requests happen: request latency per view
  and public cache hits and misses. Under gunicorn each worker is a process of
  its own, so these use prometheus_client's multiprocess mode when
  ``PROMETHEUS_MULTIPROC_DIR`` is set (every worker writes its figures to files
  there; a scrape adds them up). Without it (``make run``, tests) they live in
  the process.
* Read from the database and the broker at scrape time: sweep lag, alert
  deliveries, audit verification and checkpoint age, heartbeats, queue length.
  Computed per scrape, they are the same whichever process answers, need no
  shared state, and cannot drift from the rows they describe. Apps register
  the collectors only they can compute with ``register_collector`` in their
  ``ready()``; this module imports none of them.
"""

import hmac
import logging
import os
from collections.abc import Callable, Iterable
from datetime import datetime
from pathlib import Path

from django.conf import settings
from django.http import Http404, HttpResponse, HttpResponseForbidden
from django.utils import timezone
from django.views.decorators.cache import never_cache
from prometheus_client import REGISTRY, CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.multiprocess import MultiProcessCollector

logger = logging.getLogger(__name__)

REQUEST_LATENCY = Histogram(
    "irportal_request_duration_seconds",
    "Time from the first middleware to the response, by view",
    ["view"],
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
)
PUBLIC_CACHE = Counter(
    "irportal_public_cache_requests", "Public pages answered from the site's cache (hit) or rendered (miss)", ["result"]
)
_HIT = PUBLIC_CACHE.labels("hit")
_MISS = PUBLIC_CACHE.labels("miss")


def public_cache_hit() -> None:
    _HIT.inc()


def public_cache_miss() -> None:
    _MISS.inc()


_COLLECTORS: dict[str, Callable[[datetime], Iterable[Metric]]] = {}


def register_collector(name: str, collect: Callable[[datetime], Iterable[Metric]]) -> None:
    """Add figures computed at scrape time: ``collect(now)`` yields metric families."""
    _COLLECTORS[name] = collect


class _ScrapeTimeCollector:
    def __init__(self, now: datetime):
        self.now = now

    def collect(self):
        for name, collect in sorted(_COLLECTORS.items()):
            try:
                yield from collect(self.now)
            except Exception:  # one failing source must not hide the others
                logger.exception("metrics collector %s failed", name)


def exposition(now: datetime | None = None) -> bytes:
    scraped = CollectorRegistry(auto_describe=False)
    scraped.register(_ScrapeTimeCollector(now or timezone.now()))
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        counted = CollectorRegistry()
        MultiProcessCollector(counted)
    else:
        counted = REGISTRY
    return generate_latest(counted) + generate_latest(scraped)


def has_scraper_token(request) -> bool:
    """The request carries ``Authorization: Bearer <METRICS_TOKEN>`` (never true while the setting is unset)."""
    token = settings.METRICS_TOKEN
    given = request.headers.get("Authorization", "")
    return bool(token) and hmac.compare_digest(given.encode(), f"Bearer {token}".encode())


@never_cache
def metrics_view(request):
    """404 unless ``METRICS_TOKEN`` is set; then 403 without ``Authorization: Bearer <token>``."""
    if not settings.METRICS_TOKEN:
        raise Http404
    if not has_scraper_token(request):
        return HttpResponseForbidden("metrics need the scraper's bearer token\n", content_type="text/plain")
    return HttpResponse(exposition(), content_type="text/plain; version=0.0.4; charset=utf-8")


def queue_length(queue: str = "celery") -> int:
    """Messages waiting in the broker: LLEN of the queue's lists on Redis, message files on the filesystem."""
    from irportal.celery import app

    if app.conf.broker_url.startswith("filesystem"):
        folder = Path(app.conf.broker_transport_options["data_folder_in"])
        return sum(1 for entry in os.scandir(folder) if entry.name.partition(".")[2] == f"{queue}.msg")
    with app.connection_for_read() as connection:
        client = connection.default_channel.client
        separator = "\x06\x16"
        keys = [queue] + [f"{queue}{separator}{step}" for step in (3, 6, 9)]
        return sum(client.llen(key) for key in keys)


def collect_queue_length(now: datetime):
    family = GaugeMetricFamily("irportal_celery_queue_length", "Tasks waiting in the broker", labels=["queue"])
    family.add_metric(["celery"], queue_length("celery"))
    yield family
