"""Read queries of the busiest page, built and compiled by the ORM once per process.

Building and compiling a queryset costs this product more than running it:
on the Investor page's list queries about 1 ms of Python against 0.3 ms in
PostgreSQL. ``PreparedQuery`` builds its ``values_list`` querysets once, with
a marker in place of the time of the request, keeps the SQL the ORM wrote,
and runs that SQL with the real time in the marker's places. The rows are
converted by the same compiler, so they are what the querysets themselves
return (tests compare the two).

Several querysets of the same columns are sent as one statement (``UNION
ALL`` of each as a subquery, which PostgreSQL and SQLite both accept with
their own ``ORDER BY`` and ``LIMIT``), and their rows come back apart.

On PostgreSQL the statements are prepared on each connection as well (see
``_cursor``), so the database does not plan them again either.

Only the time may vary, and it must be used: a query in which the marker is
not found refuses to run rather than answer for the wrong moment.
"""

from collections.abc import Callable
from datetime import UTC, datetime

from django.core.exceptions import ImproperlyConfigured
from django.db import connections, router
from django.db.backends.utils import CursorDebugWrapper, CursorWrapper
from django.db.models import QuerySet

# Not a time any query of this product is asked about: it only marks the parameters that are the request's time.
MARKER = datetime(1901, 2, 3, 4, 5, 6, 789012, tzinfo=UTC)


class PreparedQuery:
    def __init__(self, model, *builds: Callable[[datetime], QuerySet]):
        """Each of ``builds(now)`` returns a ``values_list`` queryset of ``model`` for the moment ``now``."""
        self.model = model
        self.builds = builds
        self._compiled: dict[str, tuple] = {}

    def _compile(self, using: str) -> tuple:
        marker = connections[using].ops.adapt_datetimefield_value(MARKER)
        parts, params, compilers = [], [], []
        for number, build in enumerate(self.builds):
            compiler = build(MARKER).query.get_compiler(using=using)
            sql, part_params = compiler.as_sql()
            if marker not in part_params:
                raise ImproperlyConfigured(f"{build!r} does not use the time it is given")
            if compiler.has_extra_select:
                raise ImproperlyConfigured(f"{build!r} selects columns it does not return; order by selected ones")
            if len(self.builds) > 1:
                # The ORM's own SQL with its placeholders, and the part's number: nothing from outside.
                sql = f"SELECT {number}, part_{number}.* FROM ({sql}) part_{number}"  # noqa: S608
            parts.append(sql)
            params.extend(part_params)
            compilers.append(compiler)
        slots = tuple(index for index, value in enumerate(params) if value == marker)
        compiled = (compilers, " UNION ALL ".join(parts), tuple(params), slots)
        self._compiled[using] = compiled
        return compiled

    def rows(self, now: datetime) -> list[list[tuple]]:
        """The rows each of ``builds(now)`` returns, in one round trip, without building or compiling them again."""
        using = router.db_for_read(self.model)
        compilers, sql, params, slots = self._compiled.get(using) or self._compile(using)
        connection = connections[using]
        moment = connection.ops.adapt_datetimefield_value(now)
        arguments = list(params)
        for index in slots:
            arguments[index] = moment
        with _cursor(connection) as cursor:
            cursor.execute(sql, arguments)
            fetched = cursor.fetchall()
        if len(compilers) == 1:
            parts = [fetched]
        else:
            parts = [[] for _ in compilers]
            for number, *row in fetched:
                parts[number].append(row)
        return [
            list(compiler.results_iter(results=[part], tuple_expected=True))
            for compiler, part in zip(compilers, parts, strict=True)
        ]


def _cursor(connection):
    """Django's cursor; on PostgreSQL with prepared statements on, over a cursor that binds on the server.

    psycopg then prepares the statement on each connection the first time it
    runs it (``prepare_threshold`` in settings), and PostgreSQL stops planning
    it on every request. Django's own cursors bind on the client and never
    prepare. The wrapper is Django's, so the query is logged and counted.
    """
    if connection.vendor != "postgresql" or connection.settings_dict["OPTIONS"].get("prepare_threshold") is None:
        return connection.cursor()
    from django.db.backends.postgresql.base import ServerBindingCursor

    connection.ensure_connection()
    cursor = ServerBindingCursor(connection.connection)
    return _ServerBoundDebugWrapper(cursor, connection) if connection.queries_logged else connection.make_cursor(cursor)


class _ServerBoundDebugWrapper(CursorDebugWrapper):
    """Logs a statement bound on the server with its arguments written in, as Django logs its own statements.

    (Django reads the SQL it logs back from the cursor, where psycopg keeps
    nothing for a statement bound on the server.)
    """

    def execute(self, sql, params=None):
        with self.debug_sql(self.db.ops.compose_sql(sql, params), params):
            return CursorWrapper.execute(self, sql, params)
