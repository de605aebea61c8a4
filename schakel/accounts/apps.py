from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "schakel.accounts"
    label = "accounts"
    verbose_name = _("Organisaties en gebruikers")

    def ready(self):
        from schakel.core.navigation import NavItem, register

        register(NavItem("users", _("Gebruikers"), "accounts:user_list", "accounts.view_user", order=900))
        register(
            NavItem(
                "organisations",
                _("Organisaties"),
                "accounts:organisation_list",
                "accounts.view_organisation",
                order=910,
            )
        )
        register(NavItem("roles", _("Rollen"), "accounts:role_list", "auth.view_group", order=920))
