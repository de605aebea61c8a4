from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SignalsConfig(AppConfig):
    name = "schakel.signals"
    label = "signals"
    verbose_name = _("Signalen")

    def ready(self):
        from schakel.core.navigation import NavItem, register

        from . import indicators, services  # noqa: F401 - services connects the process receiver

        register(NavItem("signals_intake", _("Signaal melden"), "signals:intake", "signals.add_signal", 30))
        register(NavItem("signals_queue", _("Wachtrij signalen"), "signals:queue", "signals.triage_signal", 31))
        register(
            NavItem(
                "signals_settings", _("Instellingen signalen"), "signals:settings", "signals.manage_signal_settings", 85
            )
        )
        indicators.register_all()
