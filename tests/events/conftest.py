import pytest
from django.contrib.auth.models import Group

from irportal.accounts.roles import IR_APPROVER, IR_AUTHOR
from irportal.investors.services import company_profile_update
from irportal.workflow.models import ApprovalStep
from tests.factories import UserFactory


@pytest.fixture
def company(db):
    return company_profile_update(
        actor=None,
        legal_name="Halvorsen Instruments, Inc.",
        short_name="Halvorsen",
        exchange="Nasdaq",
        ticker="HLVI",
        home_time_zone="America/New_York",
        website="",
        default_replay_days=7,
    )


@pytest.fixture
def approval_step(db):
    step, _ = ApprovalStep.objects.get_or_create(
        order=1, defaults={"name": "IR review", "group": Group.objects.get(name=IR_APPROVER)}
    )
    return step


@pytest.fixture
def author(db, approval_step):
    return UserFactory(roles=[IR_AUTHOR])


@pytest.fixture
def approver(db, approval_step):
    return UserFactory(roles=[IR_APPROVER])
