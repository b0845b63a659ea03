import datetime
import zoneinfo

from django.db import migrations, models


def listed_until_from_service_end(apps, schema_editor):
    """Each revision with an end of service is listed until the end of that day in the company's home zone."""
    profile = apps.get_model("company", "CompanyProfile").objects.filter(pk=1).first()
    zone = zoneinfo.ZoneInfo(profile.home_time_zone if profile else "UTC")
    revisions = apps.get_model("governance", "PersonRevision").objects.filter(service_end__isnull=False)
    for revision in revisions:
        day_after = revision.service_end + datetime.timedelta(days=1)
        revision.listed_until = datetime.datetime.combine(day_after, datetime.time(), tzinfo=zone)
        revision.save(update_fields=["listed_until"])


class Migration(migrations.Migration):
    dependencies = [
        ("company", "0001_initial"),
        ("governance", "0001_people_and_committees"),
    ]

    operations = [
        migrations.AddField(
            model_name="personrevision",
            name="listed_until",
            field=models.DateTimeField(editable=False, null=True),
        ),
        migrations.RunPython(listed_until_from_service_end, migrations.RunPython.noop),
        migrations.RemoveField(
            model_name="personrevision",
            name="service_end",
        ),
    ]
