from django.db import migrations


def forget_the_old_model(apps, schema_editor):
    """Its permissions (and the roles' grants of them) go with it; the company app has its own."""
    apps.get_model("contenttypes", "ContentType").objects.filter(app_label="investors", model="companyprofile").delete()


class Migration(migrations.Migration):
    """The company profile belongs to the ``company`` app now; its table is handed over, not copied."""

    dependencies = [
        ("investors", "0002_company_profile_look"),
        ("releases", "0005_boilerplate_is_default"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.RemoveField(model_name="companyprofile", name="default_about"),
        migrations.SeparateDatabaseAndState(state_operations=[migrations.DeleteModel(name="CompanyProfile")]),
        migrations.RunPython(forget_the_old_model, migrations.RunPython.noop),
    ]
