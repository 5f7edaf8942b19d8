# The dashboard's KPIs per day read these columns from the index alone (see the model).

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('activities', '0003_list_indexes'),
    ]

    operations = [
        migrations.AddIndex(
            model_name='activity',
            index=models.Index(fields=['date', 'kind', 'quantity', 'batch'], name='activity_kpi_days'),
        ),
    ]
