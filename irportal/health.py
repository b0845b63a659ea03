"""Liveness and readiness for load balancers, orchestrators and monitoring."""

import ipaddress
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.http import JsonResponse
from django.utils import timezone, translation
from django.views.decorators.cache import never_cache

from irportal.accounts.roles import roles_of
from irportal.audit.middleware import client_ip
from irportal.celery import app as celery_app
from irportal.ops import imports
from irportal.ops.heartbeat import beat_status, worker_status
from irportal.ops.metrics import has_scraper_token


@never_cache
def healthz(request):
    return JsonResponse({"status": "ok"})


def _database_ok() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except Exception:  # noqa: BLE001 - any failure means not ready
        return False


def _broker_ok() -> bool:
    if celery_app.conf.broker_url.startswith("filesystem"):
        options = celery_app.conf.broker_transport_options
        folders = [Path(options["data_folder_in"]), Path(options["data_folder_out"])]
        return all(folder.is_dir() for folder in folders)
    try:
        with celery_app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
        return True
    except Exception:  # noqa: BLE001 - any failure means not ready
        return False


def _heartbeats() -> dict[str, str]:
    """Worker and beat, from their heartbeats: ``ok``, or why not (late, never seen, unknown without a database)."""
    now = timezone.now()
    try:
        statuses = [worker_status(now), beat_status(now)]
    except Exception:  # noqa: BLE001 - without the database nothing is known of them
        return {"worker": "unknown", "beat": "unknown"}
    with translation.override(settings.LANGUAGE_CODE):
        return {status.name: str(status.message) for status in statuses}


def _imports() -> dict[str, str]:
    """Each configured import from an outside service (EDGAR, prices): ``ok`` or why it is stale."""
    try:
        states = imports.active_statuses(timezone.now())
        with translation.override(settings.LANGUAGE_CODE):
            return {state.name: str(state.message) for state in states}
    except Exception:  # noqa: BLE001 - without the database nothing is known of them
        return {}


def _may_see_detail(request) -> bool:
    """Staff who gave their second factor, the metrics scraper, or a client on the local network
    (``HEALTH_DETAIL_NETWORKS``, judged by the client's address as the audit log records it)."""
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated and user.is_active and roles_of(user) and user.is_verified():
        return True
    if has_scraper_token(request):
        return True
    address = client_ip(request)
    networks = [ipaddress.ip_network(network, strict=False) for network in settings.HEALTH_DETAIL_NETWORKS]
    return bool(address) and any(ipaddress.ip_address(address) in network for network in networks)


@never_cache
def readyz(request):
    """Every part separately; 503 naming the parts that are not ``ok`` (``failing``).

    Imports from outside services are listed under ``imports`` and a stale one under ``stale``, without
    making the site unready: the public pages go on answering from what was stored, so a load balancer
    must not take web instances out because EDGAR or a price feed is down.

    The status code is for everyone (load balancers). Which part fails tells an attacker what to push on,
    so the parts are shown only to those ``_may_see_detail`` admits; everyone else reads ``{"status": ...}``.
    """
    parts = {
        "database": "ok" if _database_ok() else "down",
        "broker": "ok" if _broker_ok() else "down",
        **_heartbeats(),
    }
    failing = [name for name, state in parts.items() if state != "ok"]
    body = {"status": "unavailable" if failing else "ok"}
    if not _may_see_detail(request):
        return JsonResponse(body, status=503 if failing else 200)
    body.update(parts)
    if failing:
        body["failing"] = failing
    imported = _imports()
    if imported:
        body["imports"] = imported
        stale = [name for name, state in imported.items() if state != "ok"]
        if stale:
            body["stale"] = stale
    return JsonResponse(body, status=503 if failing else 200)
