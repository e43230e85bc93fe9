from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SupervisionConfig(AppConfig):
    """督办: a coordinator's formal notice on a task, work item or overdue report, run as
    交办 → 签收 → 反馈 → 办结 (or back), with a printable 督办单 and the plan's 督办台账."""

    name = "supervision"
    verbose_name = _("督办")
