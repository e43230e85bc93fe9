from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpsConfig(AppConfig):
    """Background work that is not itself domain: job runs, the outbox, schedules, locks."""

    name = "ops"
    verbose_name = _("后台任务")

    def ready(self) -> None:
        from django.db.backends.signals import connection_created

        from ops.page_cache import connect_signals
        from ops.pg_loaders import register_timestamptz_loader

        connect_signals()
        connection_created.connect(register_timestamptz_loader, dispatch_uid="ops.pg_loaders")
