"""The Celery worker of the fault suite: the project's worker, which with FAULTS_DIE_AFTER_COMMIT set kills
itself (kill -9) at the moment a change has committed and its side effects would be handed on."""

import os
import signal
import sys

import django

django.setup()

from irportal.celery import app  # noqa: E402 - after Django is set up
from irportal.workflow import outbox  # noqa: E402

if os.environ.get("FAULTS_DIE_AFTER_COMMIT"):

    def die(messages):
        os.kill(os.getpid(), signal.SIGKILL)

    outbox.dispatch = die

app.worker_main(["worker", *sys.argv[1:]])
