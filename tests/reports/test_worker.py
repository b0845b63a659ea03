"""A real Celery worker on Redis makes the thumbnail once the upload is committed; beat's resume task too."""

import pytest
from celery.signals import task_postrun

from irportal.celery import app
from reports.models import DocumentFile
from tests.conftest import wait_for
from tests.factories import UserFactory, make_approval_step, make_company
from tests.reports.builders import good_slides, make_document

pytestmark = [pytest.mark.redis, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def worker(celery_worker):
    app.amqp._producer_pool = None
    yield celery_worker
    app.amqp._producer_pool = None


@pytest.fixture
def finished():
    done = []

    def record(sender=None, **kwargs):
        if sender is not None and sender.name.startswith("reports.tasks."):
            done.append((sender.name, kwargs.get("retval")))

    task_postrun.connect(record, weak=False)
    yield done
    task_postrun.disconnect(record)


def test_the_worker_makes_the_thumbnail_after_the_upload_commits(worker, finished):
    from irportal.accounts.roles import IR_AUTHOR

    make_company()
    make_approval_step()
    author = UserFactory(roles=[IR_AUTHOR])
    document = make_document(author, pdf=good_slides(), kind="presentation")
    stored = document.files.get()
    wait_for(lambda: DocumentFile.objects.get(pk=stored.pk).thumbnail_state == "ready", timeout=60)
    assert ("reports.tasks.make_thumbnail", "ready") in finished
    # Beat's resume task finds nothing left to ask for.
    app.send_task("reports.tasks.resume_thumbnails")
    wait_for(lambda: ("reports.tasks.resume_thumbnails", 0) in finished, timeout=60)
    assert DocumentFile.objects.get(pk=stored.pk).thumbnail_attempts == 1
