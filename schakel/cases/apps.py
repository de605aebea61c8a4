from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "schakel.cases"
    label = "cases"
    verbose_name = _("Casusoverleg")

    def ready(self):
        from schakel.core.navigation import NavItem, register

        register(NavItem("cases", _("Casussen"), "cases:list", "cases.view_case", order=400))
        register(NavItem("case_meetings", _("Overleggen"), "cases:meeting_list", "cases.view_meeting", order=410))
        register(
            NavItem(
                "case_retention",
                _("Bewaartermijnen casussen"),
                "cases:retention_rules",
                "cases.view_caseretentionrule",
                order=84,
            )
        )
        from . import indicators, receivers, services  # noqa: F401 - the signal receiver; the deferred jobs

        indicators.register_all()
