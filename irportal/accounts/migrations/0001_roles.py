from django.db import migrations

from irportal.accounts.roles import ROLES, grant_permissions, role_permissions


def create_roles(apps, schema_editor):
    grant_permissions(apps, role_permissions())


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=list(ROLES)).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("audit", "0001_initial"),
        ("investors", "0001_initial"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
