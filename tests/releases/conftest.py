import datetime as dt

import pytest
from django.utils import timezone

from releases.checks import CODES as EVERY_WARNING
from releases.workflow import release_approve, release_submit
from tests.factories import make_release


@pytest.fixture
def embargoed(company, author, approver):
    """A release approved to go public at a fixed, future moment."""
    publish_at = timezone.now().replace(microsecond=0) + dt.timedelta(hours=2)
    release = make_release(author, slug="q3-results", headline="Halvorsen Reports Record Third Quarter")
    release_submit(release_id=release.pk, actor=author)
    return release_approve(acknowledged=EVERY_WARNING, release_id=release.pk, actor=approver, publish_at=publish_at)
