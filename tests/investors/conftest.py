import datetime as dt
import uuid

import pytest
from django.utils import timezone

from releases.checks import CODES as EVERY_WARNING
from releases.models import Release, ReleaseRevision
from releases.workflow import release_approve, release_publish, release_submit
from tests.factories import make_release

# The release fixtures (an embargoed release, and the company, author and approver where that module defines them).
from tests.releases.conftest import *  # noqa: F403


@pytest.fixture(params=["file", "redis"])
def public_cache(request, settings, tmp_path):
    """Run a test against each shared cache: files (the embedded default) and Redis."""
    if request.param == "file":
        settings.CACHES = {
            "default": {
                "BACKEND": "irportal.cache_backends.JsonFileCache",
                "LOCATION": str(tmp_path / "cache"),
            }
        }
    else:
        redis_url = request.getfixturevalue("redis_url")
        settings.CACHES = {
            "default": {
                "BACKEND": "irportal.cache_backends.ReusingRedisCache",
                "LOCATION": redis_url,
                "KEY_PREFIX": f"irportal-test-{uuid.uuid4().hex}",
            }
        }
    return request.param


def publish_now(author, approver, **fields) -> Release:
    """A release taken through the workflow and published at once."""
    release = make_release(author, **fields)
    release_submit(release_id=release.pk, actor=author)
    release_approve(acknowledged=EVERY_WARNING, release_id=release.pk, actor=approver)
    return release_publish(release_id=release.pk, actor=approver)


def add_published_copies(template: Release, count: int, prefix: str = "copy") -> None:
    """Many published releases at once, each with its own revision, without the workflow's cost."""
    revision = template.live_revision
    base = template.first_published_at or timezone.now()
    releases = []
    for number in range(count):
        copy = Release.objects.get(pk=template.pk)
        copy.pk = None
        copy.slug = f"{template.slug}-{prefix}-{number}"
        copy.live_revision = None
        copy.first_published_at = copy.last_published_at = base - dt.timedelta(days=number + 1)
        releases.append(copy)
    Release.objects.bulk_create(releases)
    created = list(Release.objects.filter(slug__startswith=f"{template.slug}-{prefix}-"))
    revisions = ReleaseRevision.objects.bulk_create(
        ReleaseRevision(
            release=release,
            number=1,
            content=revision.content | {"slug": release.slug, "headline": f"Copy {release.slug}"},
            content_hash=revision.content_hash,
            created_by_id=revision.created_by_id,
        )
        for release in created
    )
    for release, copy_revision in zip(created, revisions, strict=True):
        release.live_revision = copy_revision
    Release.objects.bulk_update(created, ["live_revision"])
