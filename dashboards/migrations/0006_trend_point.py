"""推进率走势点: per province and night, written by the nightly rollup beside its plan rows, so
the national overview's trend reads ~30 rows a night instead of grouping every plan's. The
nights already stored get their points here, from their plan rows."""

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import Case, F, Sum, When

BATCH = 2000


def points_backfill(apps, schema_editor) -> None:
    """The rule of `dashboards.rollups.trend_points_write`, over every stored night."""
    Rollup = apps.get_model("dashboards", "Rollup")
    TrendPoint = apps.get_model("dashboards", "TrendPoint")
    province = Case(
        When(plan__region__level="municipal", then=F("plan__region__parent_id")),
        When(plan__region__level="county", then=F("plan__region__parent__parent_id")),
        default=F("plan__region_id"),
    )
    sums = (
        Rollup.objects.filter(batch="nightly", scope="plan")
        .annotate(province=province)
        .values_list("as_of", "province")
        .annotate(
            total=Sum("tasks_total"),
            moving=Sum(F("status_on_track") + F("status_ongoing") + F("status_completed")),
        )
        .order_by("as_of", "province")
    )
    TrendPoint.objects.bulk_create(
        [
            TrendPoint(as_of=as_of, province_id=province_id, tasks_total=total, moving=moving)
            for as_of, province_id, total, moving in sums
        ],
        batch_size=BATCH,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("agencies", "0006_user_profile"),
        ("dashboards", "0005_rollup_returned"),
    ]

    operations = [
        migrations.CreateModel(
            name="TrendPoint",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("as_of", models.DateField(verbose_name="统计日期")),
                ("tasks_total", models.PositiveIntegerField(default=0, verbose_name="任务数")),
                ("moving", models.PositiveIntegerField(default=0, verbose_name="推进中任务数")),
                (
                    "province",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="agencies.region",
                        verbose_name="省份",
                    ),
                ),
            ],
            options={
                "verbose_name": "推进率走势点",
                "verbose_name_plural": "推进率走势点",
                "ordering": ["as_of", "province"],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("as_of", "province"), name="trendpoint_unique_province_date"
                    )
                ],
            },
        ),
        migrations.RunPython(points_backfill, migrations.RunPython.noop),
    ]
