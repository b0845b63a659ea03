import pytest

from irportal.accounts.roles import IR_APPROVER, IR_AUTHOR
from tests.factories import UserFactory, make_approval_step


@pytest.fixture
def approval_step(db):
    return make_approval_step()


@pytest.fixture
def author(db, approval_step):
    return UserFactory(roles=[IR_AUTHOR])


@pytest.fixture
def approver(db, approval_step):
    return UserFactory(roles=[IR_APPROVER])
