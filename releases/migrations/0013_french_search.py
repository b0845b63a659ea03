"""Full-text search of the French pages (PostgreSQL): each revision's French text, as the French pages read it.

A generated, stored ``search_document_fr`` (the French ``tsvector`` of the headline, subheadline, highlights
and body of ``content.translations.fr``, each field falling back to the primary language's where the revision
holds no French for it, as the pages do) with a GIN index, like ``search_document`` (migration 0004).
"""

from django.db import migrations

FIELDS = ("headline", "subheadline", "highlights", "body")
FRENCH_TEXT = " || ' ' || ".join(
    f"COALESCE(content #>> '{{translations,fr,{field}}}', content ->> '{field}', '')" for field in FIELDS
)
ADD_SQL = [
    f"""
    ALTER TABLE releases_releaserevision ADD COLUMN IF NOT EXISTS search_document_fr tsvector
    GENERATED ALWAYS AS (to_tsvector('french'::regconfig, {FRENCH_TEXT})) STORED
    """,
    "CREATE INDEX IF NOT EXISTS release_revision_search_fr ON releases_releaserevision USING gin (search_document_fr)",
]
REMOVE_SQL = [
    "DROP INDEX IF EXISTS release_revision_search_fr",
    "ALTER TABLE releases_releaserevision DROP COLUMN IF EXISTS search_document_fr",
]


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for statement in statements:
                schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("releases", "0012_contact_and_boilerplate_translations")]

    operations = [migrations.RunPython(_run(ADD_SQL), _run(REMOVE_SQL), elidable=False)]
