"""Each revision's start and end as columns (from its content), so the public lists select by what the public reads."""

from datetime import datetime

from django.db import migrations, models


def _instant(value):
    return datetime.fromisoformat(value) if value else None


def fill_times(apps, schema_editor):
    EventRevision = apps.get_model("events", "EventRevision")
    for revision in EventRevision.objects.only("content").iterator(chunk_size=1000):
        revision.starts_at = _instant(revision.content.get("starts_at"))
        revision.ends_at = _instant(revision.content.get("ends_at"))
        revision.save(update_fields=["starts_at", "ends_at"])


class Migration(migrations.Migration):
    dependencies = [
        ("events", "0005_gate"),
    ]

    operations = [
        migrations.AddField(
            model_name="eventrevision",
            name="ends_at",
            field=models.DateTimeField(blank=True, editable=False, null=True),
        ),
        migrations.AddField(
            model_name="eventrevision",
            name="starts_at",
            field=models.DateTimeField(blank=True, editable=False, null=True),
        ),
        migrations.RunPython(fill_times, migrations.RunPython.noop),
    ]
