from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlanConfig(AppConfig):
    name = "schakel.plan"
    label = "plan"
    verbose_name = _("Actieplan en opvolging")

    def ready(self):
        from schakel.core.navigation import NavItem, register

        from .plan_queries import register_plan_queries

        register(NavItem("plan", _("Plan"), "plan:overview", "plan.view_actionplan", order=100))
        register(NavItem("followup", _("Opvolging"), "plan:dashboard", "plan.view_followup", order=110))
        register_plan_queries()
