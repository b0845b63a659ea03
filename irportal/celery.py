"""The Celery application: settings under the CELERY namespace, tasks autodiscovered."""

import os

from celery import Celery

from irportal.ops.worker import HeartbeatStep

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "irportal.settings")

app = Celery("irportal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
# Each worker writes its heartbeat while it consumes (/readyz reports it).
app.steps["consumer"].add(HeartbeatStep)
