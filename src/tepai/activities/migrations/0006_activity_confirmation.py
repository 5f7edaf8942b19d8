# Enterprises confirm the work records commissioners log for them (issue 11: activities to
# confirm). Existing records are the office's own: 无需确认. The partial index serves the 待办 badge.

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('activities', '0005_activity_place'),
        ('commissioners', '0003_search_keys'),
        ('enterprises', '0002_search_keys'),
        ('programs', '0002_batch_service_period_help'),
    ]

    operations = [
        migrations.AddField(
            model_name='activity',
            name='confirmation',
            field=models.CharField(choices=[('not_needed', '无需确认'), ('pending', '待企业确认'), ('confirmed', '已确认'), ('disputed', '企业有异议')], default='not_needed', max_length=16, verbose_name='企业确认'),
        ),
        migrations.AddField(
            model_name='activity',
            name='confirmation_note',
            field=models.CharField(blank=True, default='', max_length=500, verbose_name='确认意见'),
        ),
        migrations.AddField(
            model_name='activity',
            name='confirmed_at',
            field=models.DateTimeField(blank=True, null=True, verbose_name='确认时间'),
        ),
        migrations.AddIndex(
            model_name='activity',
            index=models.Index(condition=models.Q(('confirmation__in', ['pending', 'disputed'])), fields=['confirmation'], name='activity_awaiting_answer'),
        ),
    ]
