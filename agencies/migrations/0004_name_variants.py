"""Common short forms of Chinese government bodies' names (issue 18): the importer compares
agency names after replacing each short form by its full form. Keyed by the short form, so
loading again never duplicates one and never overwrites an administrator's change."""

from django.db import migrations

# short form → the full form it stands for inside an agency's name
VARIANTS = {
    "高院": "高级人民法院",
    "高级法院": "高级人民法院",
    "省法院": "省高级人民法院",
    "中院": "中级人民法院",
    "中级法院": "中级人民法院",
    "市法院": "市中级人民法院",
    "县法院": "县人民法院",
    "区法院": "区人民法院",
    "省检察院": "省人民检察院",
    "市检察院": "市人民检察院",
    "县检察院": "县人民检察院",
    "区检察院": "区人民检察院",
    "省政府": "省人民政府",
    "市政府": "市人民政府",
    "县政府": "县人民政府",
    "区政府": "区人民政府",
    "市场监管局": "市场监督管理局",
    "发改委": "发展和改革委员会",
    "发展改革委": "发展和改革委员会",
    "工信厅": "工业和信息化厅",
    "工信局": "工业和信息化局",
    "科技厅": "科学技术厅",
    "科技局": "科学技术局",
    "人社厅": "人力资源和社会保障厅",
    "人力资源社会保障厅": "人力资源和社会保障厅",
    "人社局": "人力资源和社会保障局",
    "人力资源社会保障局": "人力资源和社会保障局",
    "住建厅": "住房和城乡建设厅",
    "住房城乡建设厅": "住房和城乡建设厅",
    "住建局": "住房和城乡建设局",
    "住房城乡建设局": "住房和城乡建设局",
    "卫健委": "卫生健康委员会",
    "卫生健康委": "卫生健康委员会",
    "国资委": "国有资产监督管理委员会",
    "药监局": "药品监督管理局",
    "广电局": "广播电视局",
    "工商联": "工商业联合会",
    "科协": "科学技术协会",
    "社科联": "社会科学界联合会",
    "人行": "人民银行",
}


def load(apps, schema_editor):
    variant_model = apps.get_model("agencies", "NameVariant")
    for variant, canonical in VARIANTS.items():
        variant_model.objects.get_or_create(variant=variant, defaults={"canonical": canonical})


class Migration(migrations.Migration):
    dependencies = [("agencies", "0003_collective_units_name_variants")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
