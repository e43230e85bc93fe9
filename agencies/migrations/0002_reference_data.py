from django.db import migrations


def load(apps, schema_editor):
    from agencies.reference import reference_data_load

    reference_data_load(
        region_model=apps.get_model("agencies", "Region"),
        agency_model=apps.get_model("agencies", "Agency"),
        alias_model=apps.get_model("agencies", "AgencyAlias"),
    )


class Migration(migrations.Migration):
    dependencies = [("agencies", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
