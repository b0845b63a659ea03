"""gunicorn settings for IR Portal (``gunicorn irportal.wsgi --config deploy/gunicorn.conf.py``).

Bind address, workers and trusted proxies from the environment (WEB_BIND, WEB_CONCURRENCY,
FORWARDED_ALLOW_IPS). Request lines come from the app (one per request, with its request id, plain or
JSON as LOG_FORMAT says), so gunicorn's own access log stays off.
"""

import gc
import os

bind = os.environ.get("WEB_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
accesslog = None
errorlog = "-"
timeout = 60
graceful_timeout = 30

if os.environ.get("LOG_FORMAT") == "json":
    logconfig_dict = {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"json": {"()": "irportal.ops.logs.JsonFormatter"}},
        "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "json", "stream": "ext://sys.stdout"}},
        "loggers": {"gunicorn.error": {"handlers": ["console"], "level": "INFO", "propagate": False}},
    }


def post_worker_init(worker):
    """What the worker made while loading the app (modules, settings, URL patterns) lives as long as the worker:
    kept out of the garbage collector's scans (``gc.freeze``), it is not scanned again by every full collection
    during the requests that follow."""
    gc.collect()
    gc.freeze()


def child_exit(server, worker):
    """A worker's Prometheus files are merged into the totals when it exits (multiprocess mode)."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
