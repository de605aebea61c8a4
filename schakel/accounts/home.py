"""Home-page panel of the user administration (core.home): the access review.

Besides onboarding, what the functional administrator owes the partnership
is keeping access tight (ISO 27001, "review of user access rights"): an
account nobody uses any more is closed. The panel "Toegangsbeheer" lists the
active accounts the administrator manages (``selectors.users_visible_to``:
their own organisation's, or all with ``accounts.manage_all_organisations``)
that have not signed in for more than 90 days, or were created more than 14
days ago and never signed in (``selectors.unused_accounts`` and its
thresholds ``DORMANT_AFTER`` and ``NEVER_SIGNED_IN_AFTER``). Its link opens
the user list filtered to exactly these accounts (``?toegang=ongebruikt``).

An account the administrator may see but not switch off (it holds a role
they could not grant: ``permissions.protected_change_refusal``) is counted
all the same, and its row says so: it still needs the review, by someone
with more rights, and hiding it would make the panel say that access is
tight when it is not. Demo accounts are counted like any other.

The panel is there for those who may change users and open the user list
(``accounts.change_user`` and ``accounts.view_user``, the permissions of the
edit and list views), and only when there is something to review.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from schakel.core.home import ROWS, Panel, Row, register

from . import selectors
from .permissions import protected_change_refusal

PERMS = ("accounts.change_user", "accounts.view_user")


def _day(moment) -> str:
    return formats.date_format(timezone.localtime(moment), "d-m-Y")


@register("accounts_access_review", order=90)
def access_review_panel(user, *, today):
    if not user.has_perms(PERMS):
        return None
    unused = selectors.unused_accounts(selectors.users_visible_to(user=user), now=timezone.now())
    total = unused.count()
    if not total:
        return None
    rows = []
    for account in unused.prefetch_related(None).prefetch_related(*selectors.protection_prefetch())[:ROWS]:
        if account.last_login:
            seen = _("laatst aangemeld op %(date)s") % {"date": _day(account.last_login)}
        else:
            seen = _("nooit aangemeld (account aangemaakt op %(date)s)") % {"date": _day(account.date_joined)}
        parts = [account.organisation.name if account.organisation else "—", seen]
        if protected_change_refusal(user, account, ["is_active"]):
            parts.append(_("u kunt dit account niet deactiveren"))
        rows.append(
            Row(
                label=account.get_full_name() or account.email,
                url=reverse("accounts:user_edit", args=[account.pk]),
                detail=" · ".join(parts),
            )
        )
    return Panel(
        key="accounts_access_review",
        title=_("Toegangsbeheer"),
        rows=rows,
        total=total,
        count_text=ngettext("%(n)s ongebruikt account", "%(n)s ongebruikte accounts", total) % {"n": total},
        more_url=f"{reverse('accounts:user_list')}?toegang={selectors.UNUSED}",
        more_label=_("Alle ongebruikte accounts nakijken"),
    )
