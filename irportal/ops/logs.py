"""Log lines an operator can search: one per request, one per Celery task, in JSON when ``LOG_FORMAT=json``.

``LOG_FORMAT=plain`` (the default) keeps one readable line per record for a
terminal; ``json`` writes one JSON object per line on stdout for a log
shipper. Both carry the same fields: ``request_id`` on every record made
while a request or a task runs (the id the audit log records, added by
``irportal.audit.logfilter.RequestIdFilter``), and on request lines ``user_id``,
``method``, ``path``, ``status``, ``duration_ms`` and ``view``; on task lines
``task_id``, ``task_name``, ``state`` and ``duration_ms``.

What a client sent cannot forge a line or leak a key: a request's path is
written percent-encoded as it came on the wire (``%0A``, not a line break);
the plain format writes any other control character in a message or a field
as an escape (``\\n``, ``\\x1b``) and indents the continuation lines of a
traceback, so every line that starts with a time is a record; and the path
segment after each address registered with ``secret_in_path`` (a bearer
token: the private calendar feed, the alert confirmation and unsubscribe
links) is written as ``[redacted]``, in every record and both formats.
"""

import functools
import logging
import re
import time

from celery import current_task, signals
from django.urls import Resolver404, resolve
from django.utils.encoding import escape_uri_path
from pythonjsonlogger.json import JsonFormatter as _JsonFormatter

from irportal.ops.metrics import REQUEST_LATENCY

request_logger = logging.getLogger("irportal.request")
task_logger = logging.getLogger("irportal.task")

# Fields every record may carry; the plain format shows those present.
CONTEXT_FIELDS = ("request_id", "task_id", "task_name", "user_id", "view", "status", "duration_ms", "state")


# Line breaks of every kind, the other C0 and C1 controls and DEL: written as escapes in the plain format.
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def escape_controls(text: str) -> str:
    return _CONTROL.sub(lambda match: match.group().encode("unicode_escape").decode("ascii"), text)


_SECRET_SEGMENTS: list[re.Pattern] = []


def secret_in_path(*prefixes: str) -> None:
    """Addresses whose next path segment is a bearer token (e.g. ``/feeds/calendar/``): logged as ``[redacted]``."""
    for prefix in prefixes:
        _SECRET_SEGMENTS.append(re.compile(f"({re.escape(prefix)})[^/?#\\s.'\"]+"))


def redact(text: str) -> str:
    for pattern in _SECRET_SEGMENTS:
        text = pattern.sub(r"\1[redacted]", text)
    return text


class RedactFilter(logging.Filter):
    """Every record, whoever made it (the request line, Django's "Not Found: <path>"), without bearer tokens."""

    def filter(self, record):
        message = record.getMessage()
        redacted = redact(message)
        if redacted != message:
            record.msg, record.args = redacted, None
        for name in ("path", "request"):
            value = getattr(record, name, None)
            if value is not None:
                setattr(record, name, redact(str(value)))
        return True


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

    def formatMessage(self, record):
        record.message = escape_controls(record.message)
        return super().formatMessage(record)

    def formatException(self, ei):
        return _indented(super().formatException(ei))

    def formatStack(self, stack_info):
        return _indented(super().formatStack(stack_info))

    def format(self, record):
        line = super().format(record)
        fields = [
            escape_controls(f"{name}={getattr(record, name)}")
            for name in CONTEXT_FIELDS
            if getattr(record, name, None) not in (None, "")
        ]
        if not fields:
            return line
        first, newline, rest = line.partition("\n")
        return f"{first} {' '.join(fields)}{newline}{rest}"


def _indented(text: str) -> str:
    """A traceback's lines, each indented: none of them can pass for a record of its own."""
    return "\n".join("    " + escape_controls(line) for line in text.splitlines())


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
        path = escape_uri_path(request.path)  # as it came on the wire: a %0A stays %0A
        request_logger.info(
            "%s %s %s",
            request.method,
            path,
            response.status_code,
            extra={
                "method": request.method,
                "path": path,
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
