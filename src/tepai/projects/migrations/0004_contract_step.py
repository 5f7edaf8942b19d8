# The contract step (issue 11): a contract agreed on the platform starts as a draft that is
# completed and confirmed before the KPIs count it.
#
# Existing data: every project already stored was imported, entered by an administrator or
# built by the demo — official records — so the new ``state`` column is added with its default
# 已确认 (confirmed) and they keep counting exactly as before; their new contract fields stay
# empty. The KPI index is rebuilt with ``state`` so the dashboard still reads it alone.

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('projects', '0003_kpi_days_index'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name='project',
            name='project_kpi_days',
        ),
        migrations.AddField(
            model_name='project',
            name='attachment',
            field=models.FileField(blank=True, default='', upload_to='contracts/%Y/%m/', verbose_name='合同扫描件'),
        ),
        migrations.AddField(
            model_name='project',
            name='client_party',
            field=models.CharField(blank=True, default='', max_length=200, verbose_name='委托方（甲方）'),
        ),
        migrations.AddField(
            model_name='project',
            name='confirmed_at',
            field=models.DateTimeField(blank=True, null=True, verbose_name='确认时间'),
        ),
        migrations.AddField(
            model_name='project',
            name='confirmed_by',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='确认人'),
        ),
        migrations.AddField(
            model_name='project',
            name='contractor_party',
            field=models.CharField(blank=True, default='', max_length=200, verbose_name='受托方（乙方）'),
        ),
        migrations.AddField(
            model_name='project',
            name='ends_on',
            field=models.DateField(blank=True, null=True, verbose_name='履行截止日期'),
        ),
        migrations.AddField(
            model_name='project',
            name='starts_on',
            field=models.DateField(blank=True, null=True, verbose_name='履行开始日期'),
        ),
        migrations.AddField(
            model_name='project',
            name='state',
            field=models.CharField(choices=[('draft', '待确认'), ('confirmed', '已确认')], default='confirmed', max_length=16, verbose_name='确认状态'),
        ),
        migrations.AddIndex(
            model_name='project',
            index=models.Index(fields=['signed_on', 'kind', 'level', 'led_by_commissioner', 'state', 'enterprise', 'batch'], name='project_kpi_days'),
        ),
        migrations.AddConstraint(
            model_name='project',
            constraint=models.CheckConstraint(condition=models.Q(('state__in', ['draft', 'confirmed'])), name='project_state_valid'),
        ),
    ]
