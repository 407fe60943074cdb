"""Create the group of the new Portal administrators role (like 0002 did for the others)."""

from django.db import migrations

PORTAL_ADMINISTRATORS = "Portal administrators"


def create_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.get_or_create(name=PORTAL_ADMINISTRATORS)


def remove_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=PORTAL_ADMINISTRATORS).delete()


class Migration(migrations.Migration):
    dependencies = [("portal", "0004_people_and_delegations")]

    operations = [migrations.RunPython(create_group, remove_group)]
