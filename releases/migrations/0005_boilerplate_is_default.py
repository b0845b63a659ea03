from django.db import migrations, models


def copy_default_about(apps, schema_editor):
    """The company profile named the Investor page's About text; the boilerplate now says it is the default."""
    profile = apps.get_model("investors", "CompanyProfile").objects.filter(pk=1).first()
    if profile is not None and profile.default_about_id:
        apps.get_model("releases", "Boilerplate").objects.filter(pk=profile.default_about_id).update(is_default=True)


def copy_back(apps, schema_editor):
    default = apps.get_model("releases", "Boilerplate").objects.filter(kind="about", is_default=True).first()
    if default is not None:
        apps.get_model("investors", "CompanyProfile").objects.filter(pk=1).update(default_about=default)


class Migration(migrations.Migration):
    dependencies = [
        ("investors", "0002_company_profile_look"),
        ("releases", "0004_public_search_and_order"),
    ]

    operations = [
        migrations.AddField(
            model_name="boilerplate",
            name="is_default",
            field=models.BooleanField(
                default=False,
                help_text="Attached to new releases and announcements; the default About text is also "
                "the one on the Investor Information page.",
                verbose_name="Default of its kind",
            ),
        ),
        migrations.RunPython(copy_default_about, copy_back),
        migrations.AddConstraint(
            model_name="boilerplate",
            constraint=models.UniqueConstraint(
                condition=models.Q(("is_default", True)), fields=("kind",), name="boilerplate_one_default_per_kind"
            ),
        ),
    ]
