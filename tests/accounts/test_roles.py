import pytest
from django.contrib.auth.models import Group

from irportal.accounts.roles import COMPLIANCE_REVIEWER, IR_ADMIN, ROLES

pytestmark = pytest.mark.django_db


def perms(role):
    return {f"{p.content_type.app_label}.{p.codename}" for p in Group.objects.get(name=role).permissions.all()}


def test_migrations_create_the_four_roles():
    assert set(Group.objects.values_list("name", flat=True)) >= set(ROLES)


def test_compliance_reviewer_can_read_the_log_and_change_nothing():
    granted = perms(COMPLIANCE_REVIEWER)
    assert {"audit.view_auditentry", "audit.export_auditentry"} <= granted
    assert not [name for name in granted if name.split(".")[1].startswith(("add_", "change_", "delete_"))]


def test_ir_admin_manages_users_and_the_company_profile():
    assert {"auth.add_user", "auth.change_user", "company.change_companyprofile"} <= perms(IR_ADMIN)
