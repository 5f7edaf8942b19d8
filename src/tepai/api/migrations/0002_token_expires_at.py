"""Give API tokens an expiry (issue 9, finding 10): existing tokens expire
TEPAI_API_TOKEN_DAYS after they were created (at once if that is already past)."""

import datetime

from django.conf import settings
from django.db import migrations, models


def set_expiry(apps, schema_editor):
    Token = apps.get_model("api", "Token")
    lifetime = datetime.timedelta(days=settings.TEPAI_API_TOKEN_DAYS)
    for token in Token.objects.filter(expires_at__isnull=True).only("id", "created_at"):
        Token.objects.filter(pk=token.pk).update(expires_at=token.created_at + lifetime)


class Migration(migrations.Migration):
    dependencies = [("api", "0001_initial")]

    operations = [
        migrations.AddField(
            model_name="token",
            name="expires_at",
            field=models.DateTimeField(null=True, verbose_name="过期时间"),
        ),
        migrations.RunPython(set_expiry, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="token",
            name="expires_at",
            field=models.DateTimeField(verbose_name="过期时间"),
        ),
    ]
