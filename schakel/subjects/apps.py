from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SubjectsConfig(AppConfig):
    name = "schakel.subjects"
    label = "subjects"
    verbose_name = _("Personen, ondernemingen en panden")

    def ready(self):
        from schakel.core.navigation import NavItem, register

        register(NavItem("subjects", _("Subjecten"), "subjects:search", "subjects.view_subject", order=405))
