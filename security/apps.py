from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SecurityConfig(AppConfig):
    """The security log (安全审计日志) and the password policy."""

    name = "security"
    verbose_name = _("安全审计")

    def ready(self) -> None:
        from security import signals

        signals.connect()
