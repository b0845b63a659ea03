"""Log lines an operator can search: one per request, one per Celery task, in JSON when ``LOG_FORMAT=json``.

``LOG_FORMAT=plain`` (the default) keeps one readable line per record for a
terminal; ``json`` writes one JSON object per line on stdout for a log
shipper. Both carry the same fields: ``request_id`` on every record made
while a request or a task runs (the id the audit log records, added by
``irportal.audit.logfilter.RequestIdFilter``), and on request lines ``user_id``,
``method``, ``path``, ``status``, ``duration_ms`` and ``view``; on task lines
``task_id``, ``task_name``, ``state`` and ``duration_ms``.
"""

import functools
import logging
import time

from celery import current_task, signals
from django.urls import Resolver404, resolve
from pythonjsonlogger.json import JsonFormatter as _JsonFormatter

from irportal.ops.metrics import REQUEST_LATENCY

request_logger = logging.getLogger("irportal.request")
task_logger = logging.getLogger("irportal.task")

# Fields every record may carry; the plain format shows those present.
CONTEXT_FIELDS = ("request_id", "task_id", "task_name", "user_id", "view", "status", "duration_ms", "state")


class UtcTimes:
    """Record times in UTC, ISO 8601 with a Z, whatever the process's zone (Django sets it to ``TIME_ZONE``)."""

    converter = time.gmtime
    default_time_format = "%Y-%m-%dT%H:%M:%S"
    default_msec_format = "%s.%03dZ"


class JsonFormatter(UtcTimes, _JsonFormatter):
    """One JSON object per line: time (UTC, ISO 8601), level, logger, message and the record's extra fields."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("fmt", "%(asctime)s %(levelname)s %(name)s %(message)s")
        kwargs.setdefault("rename_fields", {"asctime": "time", "levelname": "level", "name": "logger"})
        super().__init__(*args, **kwargs)


class PlainFormatter(UtcTimes, logging.Formatter):
    """The terminal's format: UTC time, level, logger, the message, then ``key=value`` for each context field."""

    def __init__(self, *args, **kwargs):
        super().__init__("%(asctime)s %(levelname)s %(name)s %(message)s")

    def format(self, record):
        line = super().format(record)
        fields = [
            f"{name}={getattr(record, name)}"
            for name in CONTEXT_FIELDS
            if getattr(record, name, None) not in (None, "")
        ]
        return f"{line} {' '.join(fields)}" if fields else line


class TaskFilter(logging.Filter):
    """Adds ``task_id`` and ``task_name`` to every record made while a Celery task runs."""

    def filter(self, record):
        task = current_task
        if task and task.request.id and not hasattr(record, "task_id"):
            record.task_id = task.request.id
            record.task_name = task.name
        return True


@functools.lru_cache(maxsize=1024)
def _view_name(path_info: str) -> str:
    """The view behind an address answered before URL resolution (a cached public page, a static file)."""
    try:
        match = resolve(path_info)
    except Resolver404:
        return "static" if path_info.startswith("/static/") else "unresolved"
    return match.view_name


class RequestLogMiddleware:
    """One line and one latency observation per request, cached public pages and static files included."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        response = self.get_response(request)
        seconds = time.perf_counter() - started
        match = request.resolver_match
        view = match.view_name if match is not None else _view_name(request.path_info)
        REQUEST_LATENCY.labels(view).observe(seconds)
        user = getattr(request, "user", None)  # absent on a cached public page, answered before authentication
        request_logger.info(
            "%s %s %s",
            request.method,
            request.path,
            response.status_code,
            extra={
                "method": request.method,
                "path": request.path,
                "status": response.status_code,
                "duration_ms": round(seconds * 1000, 2),
                "view": view,
                "user_id": user.pk if user is not None and user.is_authenticated else None,
            },
        )
        return response


_STARTED: dict[str, float] = {}


def _task_started(task_id=None, task=None, **kwargs):
    _STARTED[task_id] = time.perf_counter()


def _task_finished(task_id=None, task=None, state=None, **kwargs):
    started = _STARTED.pop(task_id, None)
    task_logger.info(
        "task %s %s",
        task.name,
        state,
        extra={
            "task_id": task_id,
            "task_name": task.name,
            "state": state,
            "duration_ms": round((time.perf_counter() - started) * 1000, 2) if started is not None else None,
        },
    )


def connect_task_signals() -> None:
    signals.task_prerun.connect(_task_started, dispatch_uid="irportal.ops.task_started", weak=False)
    signals.task_postrun.connect(_task_finished, dispatch_uid="irportal.ops.task_finished", weak=False)
