"""Response targets per category (``moderation.targets``), and each item's target category,
due time and comms alert time (seeded and backfilled by 0006)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('accounts_registry', '0008_monitoring_tokens'),
        ('moderation', '0004_grievance_suggested_by_allegation_screening'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='category',
            name='target_amount',
            field=models.PositiveSmallIntegerField(default=1, help_text='Response target: how many hours or working days to decide in.'),
        ),
        migrations.AddField(
            model_name='category',
            name='target_unit',
            field=models.CharField(choices=[('hours', 'hours, round the clock'), ('working_hours', 'working hours'), ('working_days', 'working days')], default='working_days', help_text='Round the clock for urgent categories; otherwise working time (Mon-Fri 09:00-17:00, bank holidays off).', max_length=20),
        ),
        migrations.AddField(
            model_name='item',
            name='alert_at',
            field=models.DateTimeField(blank=True, help_text='When comms are alerted if it is still undecided.', null=True),
        ),
        migrations.AddField(
            model_name='item',
            name='due_at',
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name='item',
            name='target_category',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='moderation.category'),
        ),
        migrations.AddIndex(
            model_name='item',
            index=models.Index(condition=models.Q(('state__in', ['new', 'claimed', 'reopened'])), fields=['due_at', 'id'], name='moderation_item_open_due'),
        ),
        migrations.AddIndex(
            model_name='item',
            index=models.Index(condition=models.Q(('state__in', ['new', 'claimed', 'reopened'])), fields=['alert_at'], name='moderation_item_open_alert'),
        ),
        migrations.AddConstraint(
            model_name='category',
            constraint=models.CheckConstraint(condition=models.Q(('target_amount__gte', 1), ('target_amount__lte', 1000)), name='category_target_amount_1_1000'),
        ),
        migrations.AddConstraint(
            model_name='category',
            constraint=models.CheckConstraint(condition=models.Q(('target_unit__in', ['hours', 'working_hours', 'working_days'])), name='category_target_unit_valid'),
        ),
    ]
