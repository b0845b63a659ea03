"""Indexes for the public archive: its order (every database) and full-text search (PostgreSQL).

``release_public_order`` holds the order the archive, the Investor page and
the feed list releases in (newest publication first), so the latest few are
read without sorting them all.

On PostgreSQL each revision also gets a generated, stored ``search_document`` (the English
``tsvector`` of its headline, subheadline, highlights and body) and a GIN
index on it. Revisions never change, so the column is computed once, on
insert; searches and their ranking read it instead of parsing every
revision again. SQLite searches with a plain match and needs neither.
"""

from django.db import migrations

ADD_SQL = [
    """
    ALTER TABLE releases_releaserevision ADD COLUMN IF NOT EXISTS search_document tsvector
    GENERATED ALWAYS AS (
        to_tsvector('english'::regconfig, COALESCE(content ->> 'headline', '') || ' ' ||
        COALESCE(content ->> 'subheadline', '') || ' ' ||
        COALESCE(content ->> 'highlights', '') || ' ' ||
        COALESCE(content ->> 'body', ''))
    ) STORED
    """,
    "CREATE INDEX IF NOT EXISTS release_revision_search ON releases_releaserevision USING gin (search_document)",
]
REMOVE_SQL = [
    "DROP INDEX IF EXISTS release_revision_search",
    "ALTER TABLE releases_releaserevision DROP COLUMN IF EXISTS search_document",
]


ORDER_SQL = (
    "CREATE INDEX IF NOT EXISTS release_public_order ON releases_release "
    "((COALESCE(first_published_at, publish_at)) DESC, id DESC)"
)


def _run(statements, everywhere=()):
    def run(apps, schema_editor):
        for statement in everywhere:
            schema_editor.execute(statement)
        if schema_editor.connection.vendor == "postgresql":
            for statement in statements:
                schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("releases", "0003_alter_release_slug")]

    operations = [
        migrations.RunPython(
            _run(ADD_SQL, everywhere=[ORDER_SQL]),
            _run(REMOVE_SQL, everywhere=["DROP INDEX IF EXISTS release_public_order"]),
            elidable=False,
        )
    ]
