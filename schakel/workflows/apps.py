from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkflowsConfig(AppConfig):
    name = "schakel.workflows"
    label = "workflows"
    verbose_name = _("Processen (BPMN)")
