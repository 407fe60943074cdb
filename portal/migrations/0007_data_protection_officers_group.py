"""Create the group of the new Data protection officers role (like 0002 and 0005 did)."""

from django.db import migrations

DATA_PROTECTION_OFFICERS = "Data protection officers"


def create_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.get_or_create(name=DATA_PROTECTION_OFFICERS)


def remove_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=DATA_PROTECTION_OFFICERS).delete()


class Migration(migrations.Migration):
    dependencies = [("portal", "0006_role_grant_unit_protect")]

    operations = [migrations.RunPython(create_group, remove_group)]
