from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlanConfig(AppConfig):
    name = "schakel.plan"
    label = "plan"
    verbose_name = _("Actieplan en opvolging")

    def ready(self):
        from .plan_queries import register_plan_queries

        register_plan_queries()
