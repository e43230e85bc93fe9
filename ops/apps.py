from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpsConfig(AppConfig):
    """Background work that is not itself domain: job runs, the outbox, schedules, locks."""

    name = "ops"
    verbose_name = _("后台任务")

    def ready(self) -> None:
        from ops.page_cache import connect_signals

        connect_signals()
