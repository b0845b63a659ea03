"""Database triggers that make the audit table append-only.

PostgreSQL refuses UPDATE, DELETE and TRUNCATE; SQLite refuses UPDATE and
DELETE (it has no TRUNCATE). Only someone who can alter the table (and so
disable a trigger) gets past them, and the hash chain names what they changed.
"""

TABLE = "audit_auditentry"

_POSTGRES_INSTALL = [
    """
    CREATE OR REPLACE FUNCTION audit_entry_append_only() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        RAISE EXCEPTION 'audit entries are append-only: % refused', TG_OP
            USING ERRCODE = 'insufficient_privilege';
    END
    $$
    """,
    f"CREATE TRIGGER audit_entry_no_update_delete BEFORE UPDATE OR DELETE ON {TABLE} "
    "FOR EACH ROW EXECUTE FUNCTION audit_entry_append_only()",
    f"CREATE TRIGGER audit_entry_no_truncate BEFORE TRUNCATE ON {TABLE} "
    "FOR EACH STATEMENT EXECUTE FUNCTION audit_entry_append_only()",
]
_POSTGRES_REMOVE = [
    f"DROP TRIGGER IF EXISTS audit_entry_no_truncate ON {TABLE}",
    f"DROP TRIGGER IF EXISTS audit_entry_no_update_delete ON {TABLE}",
    "DROP FUNCTION IF EXISTS audit_entry_append_only()",
]
_SQLITE_INSTALL = [
    f"CREATE TRIGGER audit_entry_no_{operation.lower()} BEFORE {operation} ON {TABLE} "
    f"BEGIN SELECT RAISE(ABORT, 'audit entries are append-only: {operation} refused'); END"
    for operation in ("UPDATE", "DELETE")
]
_SQLITE_REMOVE = [f"DROP TRIGGER IF EXISTS audit_entry_no_{operation}" for operation in ("update", "delete")]


def install_statements(vendor: str) -> list[str]:
    return {"postgresql": _POSTGRES_INSTALL, "sqlite": _SQLITE_INSTALL}.get(vendor, [])


def remove_statements(vendor: str) -> list[str]:
    return {"postgresql": _POSTGRES_REMOVE, "sqlite": _SQLITE_REMOVE}.get(vendor, [])
