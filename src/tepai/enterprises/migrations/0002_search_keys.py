# The pinyin keys of enterprise names (issue 11: search by "zs" / "zhangsan", pinyin order).
# Existing rows get their keys from the same function save() and the import use; the keys
# are derived, so going back simply drops the columns.

from django.db import migrations, models

from tepai.search.pinyin import organisation_keys


def fill_keys(apps, schema_editor):
    Model = apps.get_model("enterprises", "Enterprise")
    rows = list(Model._base_manager.only("id", "name"))
    for obj in rows:
        keys = organisation_keys(obj.name)
        obj.name_pinyin, obj.name_initials, obj.name_sort = keys.pinyin, keys.initials, keys.sort
    Model._base_manager.bulk_update(rows, ["name_pinyin", "name_initials", "name_sort"], batch_size=500)


class Migration(migrations.Migration):

    dependencies = [
        ('enterprises', '0001_initial'),
    ]

    operations = [
        migrations.AlterModelOptions(
            name='enterprise',
            options={'ordering': ['name_sort', 'name'], 'permissions': [('view_personal_data', '可查看企业联系人电话和邮箱')], 'verbose_name': '企业', 'verbose_name_plural': '企业'},
        ),
        migrations.AddField(
            model_name='enterprise',
            name='name_initials',
            field=models.CharField(blank=True, default='', editable=False, max_length=200, verbose_name='名称拼音首字母'),
        ),
        migrations.AddField(
            model_name='enterprise',
            name='name_pinyin',
            field=models.CharField(blank=True, default='', editable=False, max_length=1200, verbose_name='名称拼音'),
        ),
        migrations.AddField(
            model_name='enterprise',
            name='name_sort',
            field=models.CharField(blank=True, db_index=True, default='', editable=False, max_length=1400, verbose_name='名称排序键'),
        ),
        migrations.RunPython(fill_keys, migrations.RunPython.noop),
    ]
