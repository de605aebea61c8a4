from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlacesConfig(AppConfig):
    name = "schakel.places"
    label = "places"
    verbose_name = _("Adressen en gebieden")

    def ready(self):
        from schakel.core.navigation import NavItem, register

        register(NavItem("places_areas", _("Gebieden"), "places:area_list", "places.change_area", order=80))
