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
        # Sorted after "signals_intake" (same order, key order): every reporter finds
        # the status and feedback of what they reported.
        register(NavItem("signals_mine", _("Mijn meldingen"), "signals:mine", "signals.add_signal", 30))
        register(NavItem("signals_queue", _("Wachtrij signalen"), "signals:queue", "signals.triage_signal", 31))
        register(
            NavItem(
                "signals_feedback_reviews",
                _("Terugkoppelingen nakijken"),
                "signals:feedback_reviews",
                "signals.review_feedback",
                31,
            )
        )
        # Triage reaches the map from the queue page; those who see all signals
        # without a queue (the coordinator) get it in the menu.
        register(NavItem("signals_map", _("Kaart signalen"), "signals:map", "signals.view_all_signals", 32))
        register(
            NavItem(
                "signals_settings", _("Instellingen signalen"), "signals:settings", "signals.manage_signal_settings", 85
            )
        )
        register(
            NavItem(
                "signals_invitations", _("Uitnodigingslinks"), "signals:invitations", "signals.manage_invitation", 86
            )
        )
        indicators.register_all()
