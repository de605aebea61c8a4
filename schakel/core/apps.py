from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "schakel.core"
    label = "core"
    verbose_name = _("Kern")

    def ready(self):
        from .navigation import NavItem, register
        from .scheduled import VIEW  # registers the scheduled tasks' start-page panel

        register(NavItem("scheduled", _("Geplande taken"), "core:scheduled", VIEW, order=960))
