"""Two PostgreSQL roles: the owner, which runs the migrations, and the runtime role the app runs as.

The owner owns every table, the audit table and its append-only triggers
included (``irportal/audit/guards.py``). The runtime role, whose password
web, worker and beat hold, may read and write the app's tables but may only
read and append to the audit log: it cannot update, delete or truncate
audit rows, and since only an owner may alter a table, it cannot drop or
disable the triggers, replace their function, or drop the table. Whoever
steals the app's database password can add entries at the head of the log
(the app must), never rewrite the ones there.

``grant_runtime_role`` gives the runtime role exactly that. With
``DATABASE_RUNTIME_ROLE`` set, ``migrate`` (run as the owner) gives it after
every migration, so tables added later are covered too
(docs/operators/deployment.md, "Database roles").
"""

from django.conf import settings
from django.db import connection as default_connection
from django.db import connections

from irportal.audit.guards import TABLE

MIGRATIONS_TABLE = "django_migrations"


def runtime_grant_statements(role: str, schema: str, quote) -> list[str]:
    role, schema = quote(role), quote(schema)
    return [
        f"GRANT USAGE ON SCHEMA {schema} TO {role}",
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {schema} TO {role}",
        f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {schema} TO {role}",
        # The audit log: read and append, nothing else.
        f"REVOKE ALL ON TABLE {schema}.{quote(TABLE)} FROM {role}",
        f"GRANT SELECT, INSERT ON TABLE {schema}.{quote(TABLE)} TO {role}",
        # Which migrations ran is the owner's to record.
        f"REVOKE ALL ON TABLE {schema}.{quote(MIGRATIONS_TABLE)} FROM {role}",
        f"GRANT SELECT ON TABLE {schema}.{quote(MIGRATIONS_TABLE)} TO {role}",
    ]


def grant_runtime_role(connection, role: str) -> None:
    """Give ``role`` the runtime privileges on every table of the current schema (PostgreSQL; run as the owner)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_schema()")
        (schema,) = cursor.fetchone()
        for statement in runtime_grant_statements(role, schema, connection.ops.quote_name):
            cursor.execute(statement)


def grant_after_migrate(sender, using="default", **kwargs) -> None:
    connection = connections[using]
    if settings.DATABASE_RUNTIME_ROLE and connection.vendor == "postgresql":
        grant_runtime_role(connection, settings.DATABASE_RUNTIME_ROLE)


def grant_after_restore(restored) -> list[str]:
    """A restore brings the owner's tables back without grants (``pg_restore --no-privileges``): give them again."""
    role = settings.DATABASE_RUNTIME_ROLE
    if not role or default_connection.vendor != "postgresql":
        return []
    grant_runtime_role(default_connection, role)
    return [f"runtime role {role} granted reading and appending to the audit log, reading and writing the rest"]


def audit_log_powers(connection) -> list[str]:
    """What the connected database user could do to the audit log beyond reading and appending (PostgreSQL)."""
    if connection.vendor != "postgresql":
        return []
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT r.rolsuper, pg_has_role(current_user, c.relowner, 'USAGE'),
                   has_table_privilege(current_user, c.oid, 'UPDATE'),
                   has_table_privilege(current_user, c.oid, 'DELETE'),
                   has_table_privilege(current_user, c.oid, 'TRUNCATE'),
                   has_table_privilege(current_user, c.oid, 'TRIGGER')
            FROM pg_class c, pg_roles r
            WHERE c.oid = to_regclass(%s) AND r.rolname = current_user
            """,
            [TABLE],
        )
        row = cursor.fetchone()
    if row is None:
        return []
    names = ("is a superuser", "owns the audit table", "UPDATE", "DELETE", "TRUNCATE", "TRIGGER")
    return [name for name, held in zip(names, row, strict=True) if held]
