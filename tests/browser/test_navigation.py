import pytest
from playwright.sync_api import expect

from irportal.accounts.roles import COMPLIANCE_REVIEWER, IR_ADMIN, IR_APPROVER, IR_AUTHOR
from tests.accounts.test_views import NAVIGATION
from tests.browser.conftest import sign_in
from tests.factories import PASSWORD, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("role", [IR_AUTHOR, IR_APPROVER, COMPLIANCE_REVIEWER, IR_ADMIN])
def test_each_role_signs_in_and_sees_exactly_its_navigation(page, role):
    user = UserFactory(roles=[role])
    sign_in(page, user.username, PASSWORD)
    labels = page.get_by_test_id("staff-nav").get_by_role("link").all_inner_texts()
    assert [label.strip() for label in labels] == NAVIGATION[role]
    forbidden = {"Users": "/staff/users/", "Audit log": "/compliance/audit/"}
    for label, path in forbidden.items():
        if label not in NAVIGATION[role]:
            assert page.goto(path).status == 403


def test_wrong_password_shows_a_form_error(page):
    user = UserFactory(roles=[IR_AUTHOR])
    page.goto("/staff/login/")
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill("not the password")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_text("Please enter a correct username and password")).to_be_visible()
