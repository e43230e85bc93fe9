from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AdministrationConfig(AppConfig):
    """管理: what a province's (or NIPA's) administrator does in the product itself: users,
    memberships, API tokens, the region's agencies and collective units. At the top of the
    domain layers, as its work touches every app (a merge moves reports and duties)."""

    name = "administration"
    verbose_name = _("管理")
