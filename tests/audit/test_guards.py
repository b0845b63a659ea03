import pytest
from django.db import DatabaseError, connection, transaction

from irportal.audit.models import AppendOnlyError, AuditEntry
from irportal.audit.services import audit_record
from tests.conftest import is_postgres

pytestmark = pytest.mark.django_db


@pytest.fixture
def entry():
    return audit_record(action="auth.login")


def test_orm_refuses_to_change_an_entry(entry):
    entry.action = "auth.logout"
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.filter(pk=entry.pk).update(action="auth.logout")


def test_orm_refuses_to_delete_an_entry(entry):
    with pytest.raises(AppendOnlyError):
        entry.delete()
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.all().delete()


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE audit_auditentry SET action = 'auth.logout'",
        "DELETE FROM audit_auditentry",
    ],
)
def test_database_refuses_raw_update_and_delete(entry, statement):
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(statement)
    assert AuditEntry.objects.get().action == "auth.login"


def test_postgres_refuses_truncate(entry):
    if not is_postgres():
        pytest.skip("TRUNCATE exists only on PostgreSQL")
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("TRUNCATE audit_auditentry")
    assert AuditEntry.objects.count() == 1
