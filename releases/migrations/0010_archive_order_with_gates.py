"""The archive's indexes follow the publication order as it reads since items can be held at a gate.

A release is ordered by when it became public: its first publication, or for
one not swept yet the moment it opened (its embargo, or its gate's opening
when later). 0006 indexed ``COALESCE(first_published_at, publish_at)``; the
order now reads the gate too, so PostgreSQL sorted every release for the
archive, the feed and the Investor page. These indexes hold the expression
the queries use (``ReleaseQuerySet.public_newest_first``), with the columns
that decide whether a release is public, so the lists stop after their first
rows and the archive counts and lists its years from the indexes alone.
SQLite keeps 0006's plain index.
"""

from django.conf import settings
from django.db import migrations

OPENS = 'CASE WHEN ("gate_opens_at" > ("publish_at") AND "held") THEN "gate_opens_at" ELSE "publish_at" END'
PUBLIC_SINCE = f'COALESCE("first_published_at", {OPENS})'
PUBLIC_COLUMNS = "status, publish_at, held, gate_opens_at, live_revision_id, approved_revision_id"


def _order_sql() -> str:
    return (
        f"CREATE INDEX release_public_order ON releases_release (({PUBLIC_SINCE}) DESC, id DESC) "
        f"INCLUDE (first_published_at, {PUBLIC_COLUMNS})"
    )


def _year_sql(schema_editor) -> str:
    zone = schema_editor.quote_value(settings.TIME_ZONE)
    return (
        "CREATE INDEX release_public_year ON releases_release "
        f"((EXTRACT(YEAR FROM {PUBLIC_SINCE} AT TIME ZONE {zone})) DESC) "
        f"INCLUDE (first_published_at, {PUBLIC_COLUMNS})"
    )


def add(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("DROP INDEX IF EXISTS release_public_order")
    schema_editor.execute("DROP INDEX IF EXISTS release_public_year")
    schema_editor.execute(_order_sql())
    schema_editor.execute(_year_sql(schema_editor))


def remove(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("DROP INDEX IF EXISTS release_public_year")
    schema_editor.execute("DROP INDEX IF EXISTS release_public_order")
    old = "(COALESCE(first_published_at, publish_at)) DESC, id DESC"
    columns = "status, publish_at, live_revision_id, approved_revision_id"
    schema_editor.execute(f"CREATE INDEX release_public_order ON releases_release ({old}) INCLUDE ({columns})")
    zone = schema_editor.quote_value(settings.TIME_ZONE)
    schema_editor.execute(
        "CREATE INDEX release_public_year ON releases_release "
        f"((EXTRACT(YEAR FROM COALESCE(first_published_at, publish_at) AT TIME ZONE {zone})) DESC) "
        f"INCLUDE (first_published_at, {columns})"
    )


class Migration(migrations.Migration):
    dependencies = [("releases", "0009_gate")]

    operations = [migrations.RunPython(add, remove, elidable=False)]
