# Where the work was done (issue 11): blank for the records kept so far.

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('activities', '0004_kpi_days_index'),
    ]

    operations = [
        migrations.AddField(
            model_name='activity',
            name='place',
            field=models.CharField(blank=True, default='', max_length=100, verbose_name='地点'),
        ),
    ]
