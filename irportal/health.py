"""Liveness and readiness for load balancers and orchestrators."""

from pathlib import Path

from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache

from irportal.celery import app as celery_app


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


@never_cache
def readyz(request):
    checks = {"database": _database_ok(), "broker": _broker_ok()}
    ready = all(checks.values())
    return JsonResponse(
        {"status": "ok" if ready else "unavailable", **{name: "ok" if ok else "down" for name, ok in checks.items()}},
        status=200 if ready else 503,
    )
