"""Audit events stay insert-only, with one narrow exception: erasure's redaction window.

The erasure service (``portal.dataprotection.erasure``) must remove an erased person's email
address and name from the audit trail's labels and old/new values, or a database dump would
still hold them. On PostgreSQL it sets ``portal.audit_redaction = 'on'`` with ``SET LOCAL`` (so
it lapses at the end of its own transaction); the trigger then lets an UPDATE through only if
it keeps the row's id, time, action, actor, target and request id: the event and its count
stay, only the personal text in ``actor_label``, ``target_label``, ``old`` and ``new`` changes.
DELETE is refused as before. On SQLite the service drops and re-creates the update trigger
inside its transaction.
"""

from django.db import migrations

PG_FUNCTION = """
CREATE OR REPLACE FUNCTION portal_auditevent_insert_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'UPDATE'
        AND coalesce(current_setting('portal.audit_redaction', true), '') = 'on'
        AND NEW.id = OLD.id AND NEW.at = OLD.at AND NEW.action = OLD.action
        AND NEW.actor_id IS NOT DISTINCT FROM OLD.actor_id
        AND NEW.target_type_id IS NOT DISTINCT FROM OLD.target_type_id
        AND NEW.target_id = OLD.target_id AND NEW.request_id = OLD.request_id
    THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION USING MESSAGE = 'audit events are insert-only: ' || TG_OP || ' refused';
END;
$$ LANGUAGE plpgsql;
"""
PG_FUNCTION_BEFORE = """
CREATE OR REPLACE FUNCTION portal_auditevent_insert_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION USING MESSAGE = 'audit events are insert-only: ' || TG_OP || ' refused';
END;
$$ LANGUAGE plpgsql;
"""


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(PG_FUNCTION)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(PG_FUNCTION_BEFORE)


class Migration(migrations.Migration):
    dependencies = [("portal", "0007_data_protection_officers_group")]

    operations = [migrations.RunPython(forward, backward)]
