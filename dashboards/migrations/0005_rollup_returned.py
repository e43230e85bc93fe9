"""退回待改 counted apart: a returned report is owed again, neither handed in nor missing."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("dashboards", "0004_rollup_schedule")]

    operations = [
        migrations.AddField(
            model_name="rollup",
            name="reports_returned",
            field=models.PositiveIntegerField(default=0, verbose_name="退回待改"),
        ),
        migrations.AddField(
            model_name="rollup",
            name="period_returned",
            field=models.PositiveIntegerField(default=0, verbose_name="本期退回待改"),
        ),
    ]
