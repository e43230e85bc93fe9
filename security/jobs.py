"""Nightly: the security log's entries past SECURITY_LOG_RETENTION_DAYS are removed, and so
are the sessions past their expiry."""

from ops.runner import scheduled_job
from security.services import security_log_purge, sessions_expired_delete

log_purge = scheduled_job(
    name="security_purge", task_name="security.log_purge", service=security_log_purge
)

sessions_clear = scheduled_job(
    name="sessions_clear", task_name="security.sessions_clear", service=sessions_expired_delete
)
