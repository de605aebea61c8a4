from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "schakel.audit"
    label = "audit"
    verbose_name = _("Audittrail")

    def ready(self):
        from schakel.core.navigation import NavItem, register

        register(NavItem("audit", _("Audittrail"), "audit:event_list", "audit.view_auditevent", order=950))
