"""The Celery application: settings under the CELERY namespace, tasks autodiscovered."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "irportal.settings")

app = Celery("irportal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
