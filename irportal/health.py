"""Liveness and readiness for load balancers, orchestrators and monitoring."""

from pathlib import Path

from django.db import connection
from django.http import JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache

from irportal.celery import app as celery_app
from irportal.ops import imports
from irportal.ops.heartbeat import beat_status, worker_status


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
    return {status.name: status.message for status in statuses}


def _imports() -> dict[str, str]:
    """Each configured import from an outside service (EDGAR, prices): ``ok`` or why it is stale."""
    try:
        return {state.name: state.message for state in imports.active_statuses(timezone.now())}
    except Exception:  # noqa: BLE001 - without the database nothing is known of them
        return {}


@never_cache
def readyz(request):
    """Every part separately; 503 naming the parts that are not ``ok`` (``failing``).

    Imports from outside services are listed under ``imports`` and a stale one under ``stale``, without
    making the site unready: the public pages go on answering from what was stored, so a load balancer
    must not take web instances out because EDGAR or a price feed is down.
    """
    parts = {
        "database": "ok" if _database_ok() else "down",
        "broker": "ok" if _broker_ok() else "down",
        **_heartbeats(),
    }
    failing = [name for name, state in parts.items() if state != "ok"]
    body = {"status": "unavailable" if failing else "ok", **parts}
    if failing:
        body["failing"] = failing
    imported = _imports()
    if imported:
        body["imports"] = imported
        stale = [name for name, state in imported.items() if state != "ok"]
        if stale:
            body["stale"] = stale
    return JsonResponse(body, status=503 if failing else 200)
