"""Indexes the archive reads instead of every release (PostgreSQL).

The archive counts the public releases for its pages and lists the years they
were published in, in the company's home time zone (``TIME_ZONE``). Both read
every row of ``releases_release`` before. With the columns that decide
whether a release is public included in the indexes, PostgreSQL answers both
from the index alone (an index-only scan, once autovacuum has visited the
table):

- ``release_public_order`` (newest publication first) carries them, for the
  count and for each page's ids;
- ``release_public_year`` holds each release's publication year in the
  ``TIME_ZONE`` of the time this migration ran. After a change of
  ``TIME_ZONE`` the years stay right but are read from the table again, until
  the index is rebuilt (``migrate releases 0005`` then ``migrate``).

SQLite keeps ``release_public_order`` as it is: it has no included columns.
"""

from django.conf import settings
from django.db import migrations

ORDER = "(COALESCE(first_published_at, publish_at)) DESC, id DESC"
PUBLIC_COLUMNS = "status, publish_at, live_revision_id, approved_revision_id"


def year_index_sql(schema_editor) -> str:
    zone = schema_editor.quote_value(settings.TIME_ZONE)
    return (
        "CREATE INDEX IF NOT EXISTS release_public_year ON releases_release "
        f"((EXTRACT(YEAR FROM COALESCE(first_published_at, publish_at) AT TIME ZONE {zone})) DESC) "
        f"INCLUDE (first_published_at, {PUBLIC_COLUMNS})"
    )


def add(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("DROP INDEX IF EXISTS release_public_order")
    schema_editor.execute(f"CREATE INDEX release_public_order ON releases_release ({ORDER}) INCLUDE ({PUBLIC_COLUMNS})")
    schema_editor.execute(year_index_sql(schema_editor))


def remove(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("DROP INDEX IF EXISTS release_public_year")
    schema_editor.execute("DROP INDEX IF EXISTS release_public_order")
    schema_editor.execute(f"CREATE INDEX release_public_order ON releases_release ({ORDER})")


class Migration(migrations.Migration):
    dependencies = [("releases", "0005_boilerplate_is_default")]

    operations = [migrations.RunPython(add, remove, elidable=False)]
