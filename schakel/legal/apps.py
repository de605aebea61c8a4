from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LegalConfig(AppConfig):
    name = "schakel.legal"
    label = "legal"
    verbose_name = _("Juridisch kader")

    def ready(self):
        from schakel.core.navigation import NavItem, register

        register(NavItem("legal", _("Juridisch kader"), "legal:overview", "legal.view_legalground", order=600))
