# The pinyin keys of commissioner names (issue 11: search by "zs" / "zhangsan", pinyin order).
# Existing rows get their keys from the same function save() and the import use; the keys
# are derived, so going back simply drops the columns.

from django.db import migrations, models

from tepai.search.pinyin import person_keys


def fill_keys(apps, schema_editor):
    Model = apps.get_model("commissioners", "Commissioner")
    rows = list(Model._base_manager.only("id", "name", "research_fields"))
    for obj in rows:
        keys = person_keys(obj.name)
        obj.name_pinyin, obj.name_initials, obj.name_sort = keys.pinyin, keys.initials, keys.sort
        fields = obj.research_fields if isinstance(obj.research_fields, list) else []
        obj.research_text = " ".join(str(field) for field in fields)
    Model._base_manager.bulk_update(rows, ["name_pinyin", "name_initials", "name_sort", "research_text"], batch_size=500)


class Migration(migrations.Migration):

    dependencies = [
        ('commissioners', '0002_max_load_and_declared_conflicts'),
    ]

    operations = [
        migrations.AlterModelOptions(
            name='commissioner',
            options={'ordering': ['name_sort', 'name', 'id'], 'permissions': [('view_personal_data', '可查看特派员手机号码和邮箱')], 'verbose_name': '科技特派员', 'verbose_name_plural': '科技特派员'},
        ),
        migrations.AddField(
            model_name='commissioner',
            name='name_initials',
            field=models.CharField(blank=True, default='', editable=False, max_length=128, verbose_name='姓名拼音首字母'),
        ),
        migrations.AddField(
            model_name='commissioner',
            name='name_pinyin',
            field=models.CharField(blank=True, default='', editable=False, max_length=512, verbose_name='姓名拼音'),
        ),
        migrations.AddField(
            model_name='commissioner',
            name='name_sort',
            field=models.CharField(blank=True, db_index=True, default='', editable=False, max_length=512, verbose_name='姓名排序键'),
        ),
        migrations.AddField(
            model_name='commissioner',
            name='research_text',
            field=models.TextField(blank=True, default='', editable=False, verbose_name='研究方向检索文本'),
        ),
        migrations.RunPython(fill_keys, migrations.RunPython.noop),
    ]
