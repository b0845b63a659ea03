"""On PostgreSQL the app runs as a role that can read and append to the audit log and do nothing else to it.

The test database is made by its owner (the migrations' role); the runtime role gets the grants
``grant_runtime_role`` gives, then signs in on its own and tries what an attacker holding the app's
database password would try.
"""

import secrets

import psycopg
import pytest
from django.core import checks
from django.core.management import call_command
from django.db import connection, transaction

from irportal.audit.database_roles import audit_log_powers, grant_runtime_role
from irportal.audit.models import AuditEntry
from irportal.audit.services import audit_record
from irportal.audit.verify import verify_chain
from tests.conftest import is_postgres

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def bare_role():
    """A login role with no rights on the test database, dropped afterwards."""
    if not is_postgres():
        pytest.skip("database roles exist on PostgreSQL only")
    name, password = f"irportal_runtime_{secrets.token_hex(4)}", secrets.token_urlsafe(16)
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE ROLE {name} LOGIN PASSWORD %s", [password])
    settings = connection.settings_dict
    conninfo = {
        "dbname": settings["NAME"],
        "host": settings["HOST"] or "127.0.0.1",
        "port": settings["PORT"] or 5432,
        "user": name,
        "password": password,
    }
    try:
        yield name, conninfo
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"DROP OWNED BY {name}")
            cursor.execute(f"DROP ROLE {name}")


@pytest.fixture
def runtime_role(bare_role):
    """The role with the runtime grants, as migrate gives them."""
    grant_runtime_role(connection, bare_role[0])
    return bare_role


ATTACKS = {
    "drop the update/delete trigger": "DROP TRIGGER audit_entry_no_update_delete ON audit_auditentry",
    "drop the truncate trigger": "DROP TRIGGER audit_entry_no_truncate ON audit_auditentry",
    "disable the triggers": "ALTER TABLE audit_auditentry DISABLE TRIGGER USER",
    "replace the trigger function": (
        "CREATE OR REPLACE FUNCTION audit_entry_append_only() RETURNS trigger LANGUAGE plpgsql "
        "AS $$ BEGIN RETURN NEW; END $$"
    ),
    "drop the trigger function": "DROP FUNCTION audit_entry_append_only() CASCADE",
    "update a row": "UPDATE audit_auditentry SET action = 'auth.logout' WHERE sequence = 1",
    "delete a row": "DELETE FROM audit_auditentry WHERE sequence = 1",
    "truncate the table": "TRUNCATE audit_auditentry",
    "drop the table": "DROP TABLE audit_auditentry CASCADE",
    "rename the table": "ALTER TABLE audit_auditentry RENAME TO audit_old",
    "take the table over": "ALTER TABLE audit_auditentry OWNER TO CURRENT_USER",
}


@pytest.mark.parametrize("attack", list(ATTACKS))
def test_the_runtime_role_cannot_rewrite_the_audit_log(runtime_role, attack):
    audit_record(action="auth.login")
    _, conninfo = runtime_role
    with (
        psycopg.connect(**conninfo) as attacker,
        attacker.cursor() as cursor,
        pytest.raises(psycopg.errors.InsufficientPrivilege),
    ):
        cursor.execute(ATTACKS[attack])
    assert AuditEntry.objects.get().action == "auth.login"
    assert verify_chain([]).ok


def test_the_runtime_role_runs_the_app_reading_and_appending(runtime_role):
    name, conninfo = runtime_role
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(f"SET LOCAL ROLE {name}")
        first = audit_record(action="auth.login")
        second = audit_record(action="auth.logout")
        assert second.prev_hash == first.entry_hash
        assert verify_chain([]).ok
        assert audit_log_powers(connection) == []
    with psycopg.connect(**conninfo) as app, app.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM audit_auditentry")
        assert cursor.fetchone() == (2,)


def test_the_owner_is_told_it_can_rewrite_the_audit_log(runtime_role):
    # The test's own connection is the database's owner (and a superuser): what the app must not run as.
    powers = audit_log_powers(connection)
    assert "owns the audit table" in powers or "is a superuser" in powers
    warnings = checks.run_checks(tags=[checks.Tags.database], databases=["default"])
    assert [warning.id for warning in warnings if warning.id.startswith("irportal.audit")] == ["irportal.audit.W001"]


def test_the_runtime_role_passes_the_check(runtime_role):
    name, _ = runtime_role
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(f"SET LOCAL ROLE {name}")
        warnings = checks.run_checks(tags=[checks.Tags.database], databases=["default"])
    assert [warning.id for warning in warnings if warning.id.startswith("irportal.audit")] == []


def privileges(role: str, table: str) -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT p FROM unnest(ARRAY['SELECT','INSERT','UPDATE','DELETE','TRUNCATE','TRIGGER']) AS p "
            "WHERE has_table_privilege(%s, %s, p)",
            [role, table],
        )
        return {row[0] for row in cursor.fetchall()}


def test_migrate_as_the_owner_grants_the_runtime_role_its_rights(bare_role, settings):
    name, _ = bare_role
    assert privileges(name, "releases_release") == set()
    settings.DATABASE_RUNTIME_ROLE = name
    call_command("migrate", verbosity=0)
    assert privileges(name, "audit_auditentry") == {"SELECT", "INSERT"}
    assert privileges(name, "releases_release") == {"SELECT", "INSERT", "UPDATE", "DELETE"}
    assert privileges(name, "django_migrations") == {"SELECT"}
