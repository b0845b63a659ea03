"""Full-text search index over the revisions the public reads (PostgreSQL only).

The expression is the one ``releases.views.SearchDocument`` writes, so the
planner answers archive searches from this GIN index. SQLite searches with a
plain match and needs no index.
"""

from django.db import migrations

INDEX_SQL = """
CREATE INDEX IF NOT EXISTS release_revision_search ON releases_releaserevision USING gin ((
    to_tsvector('english'::regconfig, COALESCE(content ->> 'headline', '') || ' ' ||
    COALESCE(content ->> 'subheadline', '') || ' ' ||
    COALESCE(content ->> 'highlights', '') || ' ' ||
    COALESCE(content ->> 'body', ''))
))
"""


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(INDEX_SQL)


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS release_revision_search")


class Migration(migrations.Migration):
    dependencies = [("releases", "0002_releases_revisions_boilerplates_files")]

    operations = [migrations.RunPython(create_index, drop_index, elidable=False)]
