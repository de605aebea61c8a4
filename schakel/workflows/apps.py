from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkflowsConfig(AppConfig):
    name = "schakel.workflows"
    label = "workflows"
    verbose_name = _("Processen (BPMN)")

    def ready(self):
        import logging

        # SpiffWorkflow logs every task state change at INFO: far too chatty
        # for production logs (and it slows intake down measurably).
        logging.getLogger("spiff").setLevel(logging.WARNING)

        from schakel.core.navigation import NavItem, register

        register(
            NavItem("workflows", _("Processen"), "workflows:definition_list", "workflows.view_processdefinition", 80)
        )
