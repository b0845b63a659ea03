"""The CIK on the company profile: validated, kept as EDGAR spells it."""

import pytest

from company.services import company_profile_update
from irportal.audit.models import AuditEntry
from tests.factories import UserFactory, make_company

pytestmark = pytest.mark.django_db


def test_a_cik_is_kept_with_its_ten_digits_and_the_change_audited():
    make_company()
    admin = UserFactory()

    profile = company_profile_update(actor=admin, cik="1990217")

    assert profile.cik == "0001990217"
    entry = AuditEntry.objects.get(action="company.profile_update")
    assert entry.changes["cik"] == {"before": "", "after": "0001990217"}


@pytest.mark.parametrize("value", ["12345678901", "CIK1990217", "0000000000", "19902-17"])
def test_a_cik_that_is_not_one_is_refused(value):
    from django.core.exceptions import ValidationError

    make_company()

    with pytest.raises(ValidationError, match="Central Index Key"):
        company_profile_update(actor=UserFactory(), cik=value)


def test_the_profile_form_names_the_bad_cik(client):
    from irportal.accounts.roles import IR_ADMIN
    from tests.factories import sign_in

    make_company()
    sign_in(client, UserFactory(roles=[IR_ADMIN]))
    form = client.get("/staff/company/").context["form"]
    data = {name: value for name, value in form.initial.items() if value is not None and name != "logo"}
    data["cik"] = "not-a-cik"

    response = client.post("/staff/company/", data)

    assert response.status_code == 200
    assert "Central Index Key" in response.context["form"].errors["cik"][0]
