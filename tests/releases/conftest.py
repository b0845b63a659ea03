import datetime as dt

import pytest
from django.utils import timezone

from irportal.accounts.roles import IR_APPROVER, IR_AUTHOR
from irportal.investors.models import CompanyProfile
from releases.workflow import release_approve, release_submit
from tests.factories import UserFactory, make_release


@pytest.fixture
def company(db):
    profile = CompanyProfile(
        legal_name="Halvorsen Instruments, Inc.",
        short_name="Halvorsen",
        exchange="Nasdaq",
        ticker="HLVI",
        home_time_zone="America/Phoenix",
    )
    profile.save()
    return profile


@pytest.fixture
def author(db):
    return UserFactory(roles=[IR_AUTHOR])


@pytest.fixture
def approver(db):
    return UserFactory(roles=[IR_APPROVER])


@pytest.fixture
def embargoed(company, author, approver):
    """A release approved to go public at a fixed, future moment."""
    publish_at = timezone.now().replace(microsecond=0) + dt.timedelta(hours=2)
    release = make_release(author, slug="q3-results", headline="Halvorsen Reports Record Third Quarter")
    release_submit(release_id=release.pk, actor=author)
    return release_approve(release_id=release.pk, actor=approver, publish_at=publish_at)
