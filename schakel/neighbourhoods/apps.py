from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NeighbourhoodsConfig(AppConfig):
    name = "schakel.neighbourhoods"
    label = "neighbourhoods"
    verbose_name = _("Wijken en Quick Response team")

    def ready(self):
        from schakel.core.navigation import NavItem, register

        register(
            NavItem("incidents", _("Incidenten"), "neighbourhoods:incident_list", "neighbourhoods.view_incident", 40)
        )
        register(NavItem("qrt", _("QRT-logboek"), "neighbourhoods:qrt_list", "neighbourhoods.view_qrtactivity", 41))
        register(NavItem("wijkschouw", _("Wijkschouw"), "neighbourhoods:walk_list", "neighbourhoods.view_walk", 42))
        register(
            NavItem(
                "behangtafel",
                _("Behangtafel"),
                "neighbourhoods:session_list",
                "neighbourhoods.view_behangtafelsession",
                43,
            )
        )
        register(
            NavItem(
                "schouwsjablonen",
                _("Schouwsjablonen"),
                "neighbourhoods:template_list",
                "neighbourhoods.change_checklisttemplate",
                81,
            )
        )
        register(
            NavItem(
                "behangtafelthemas",
                _("Behangtafelthema's"),
                "neighbourhoods:theme_list",
                "neighbourhoods.change_proposaltheme",
                82,
            )
        )
        register(
            NavItem(
                "wijkbewaartermijnen",
                _("Bewaartermijnen wijken"),
                "neighbourhoods:retention_rules",
                "neighbourhoods.view_retentionrule",  # the DPO reads them too
                83,
            )
        )
        from . import indicators

        indicators.register_all()
