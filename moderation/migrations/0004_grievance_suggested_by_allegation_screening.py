"""Screening's new ``allegation`` rule (misconduct alleged against staff) suggests "grievance".

Databases seeded before the rule existed get the code added; a category comms have since
edited keeps its other codes.
"""

from django.db import migrations


def add_rule(apps, schema_editor):
    Category = apps.get_model("moderation", "Category")
    for category in Category.objects.filter(code="grievance"):
        if "allegation" not in (category.rule_codes or []):
            category.rule_codes = [*(category.rule_codes or []), "allegation"]
            category.save(update_fields=["rule_codes"])


def remove_rule(apps, schema_editor):
    Category = apps.get_model("moderation", "Category")
    for category in Category.objects.filter(code="grievance"):
        category.rule_codes = [c for c in category.rule_codes or [] if c != "allegation"]
        category.save(update_fields=["rule_codes"])


class Migration(migrations.Migration):
    dependencies = [("moderation", "0003_incident_owner_severity_due_escalations")]
    operations = [migrations.RunPython(add_rule, remove_rule)]
