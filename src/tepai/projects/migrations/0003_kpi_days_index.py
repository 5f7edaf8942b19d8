# The dashboard's KPIs per day read these columns from the index alone (see the model).

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('projects', '0002_list_indexes'),
    ]

    operations = [
        migrations.AddIndex(
            model_name='project',
            index=models.Index(fields=['signed_on', 'kind', 'level', 'led_by_commissioner', 'enterprise', 'batch'], name='project_kpi_days'),
        ),
    ]
