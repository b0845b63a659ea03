"""The worker's heartbeat: a consumer bootstep that writes it on the worker's own timer."""

import logging
import socket

from celery import bootsteps

logger = logging.getLogger(__name__)


class HeartbeatStep(bootsteps.StartStopStep):
    """Every ``WORKER_INTERVAL`` seconds, while the worker consumes, ``worker:<hostname>`` is written."""

    requires = {"celery.worker.consumer.tasks:Tasks"}

    def __init__(self, parent, **kwargs):
        super().__init__(parent, **kwargs)
        self.timer_entry = None

    def start(self, parent):
        from irportal.ops.heartbeat import WORKER_INTERVAL

        hostname = parent.hostname or socket.gethostname()
        self.beat(hostname)
        self.timer_entry = parent.timer.call_repeatedly(WORKER_INTERVAL, self.beat, (hostname,), priority=10)

    def stop(self, parent):
        if self.timer_entry is not None:
            self.timer_entry.cancel()
            self.timer_entry = None

    def beat(self, hostname: str) -> None:
        from django.db import close_old_connections

        from irportal.ops.heartbeat import record_worker

        try:
            close_old_connections()
            record_worker(hostname)
        except Exception:  # a missed heartbeat shows as a late worker; it must not stop the worker
            logger.exception("could not write the worker heartbeat")
