"""System checks of the audit log's protection (``manage.py check --deploy --database default``)."""

from django.conf import settings
from django.core.checks import Tags, Warning, register
from django.db import connections

from irportal.audit.database_roles import audit_log_powers


@register(Tags.database)
def runtime_role_check(app_configs, databases=None, **kwargs):
    """The app's database user must not be able to rewrite the audit log (PostgreSQL).

    The migration step connects as the owner on purpose: with ``DATABASE_RUNTIME_ROLE`` set, a connection as
    any other user is that step, and is not reported.
    """
    warnings = []
    for alias in databases or []:
        connection = connections[alias]
        if connection.vendor != "postgresql":
            continue
        with connection.cursor() as cursor:
            cursor.execute("SELECT current_user")
            (user,) = cursor.fetchone()
        role = settings.DATABASE_RUNTIME_ROLE
        if role and user != role:
            continue
        powers = audit_log_powers(connection)
        if powers:
            warnings.append(
                Warning(
                    f"The database user {user!r} of {alias!r} can rewrite the audit log ({', '.join(powers)}).",
                    hint="Run web, worker and beat as a runtime role that owns nothing, and migrate as the owner "
                    "with DATABASE_RUNTIME_ROLE set (docs/operators/deployment.md, Database roles).",
                    id="irportal.audit.W001",
                )
            )
    return warnings
