"""The security log's retention: entries past SECURITY_LOG_RETENTION_DAYS are removed nightly."""

from ops.runner import scheduled_job
from security.services import security_log_purge

log_purge = scheduled_job(
    name="security_purge", task_name="security.log_purge", service=security_log_purge
)
