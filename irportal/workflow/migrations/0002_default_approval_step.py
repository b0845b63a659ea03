from django.db import migrations


def create_default_step(apps, schema_editor):
    group_model = apps.get_model("auth", "Group")
    step_model = apps.get_model("workflow", "ApprovalStep")
    if not step_model.objects.exists():
        group, _ = group_model.objects.get_or_create(name="IR Approver")
        step_model.objects.create(name="IR review", group=group, order=1)


def remove_default_step(apps, schema_editor):
    apps.get_model("workflow", "ApprovalStep").objects.filter(name="IR review", order=1).delete()


class Migration(migrations.Migration):
    dependencies = [("workflow", "0001_initial"), ("accounts", "0001_roles")]

    operations = [migrations.RunPython(create_default_step, remove_default_step)]
