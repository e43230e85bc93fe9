"""The nightly rollup: an upsert per (batch, plan, scope, date), safe to run again."""

from dashboards.rollups import rollup_build
from ops.runner import scheduled_job

rollup = scheduled_job(name="rollup", task_name="dashboards.rollup", service=rollup_build)
