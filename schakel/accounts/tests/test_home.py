"""The functional administrator's start page: the periodic access review
(accounts/home.py) and the user list's filter on the same accounts."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone

from schakel.core import home
from schakel.core.testing import UserFactory, assert_constant_queries, home_panels, persona_user

pytestmark = pytest.mark.django_db

KEY = "accounts_access_review"
FILTERED = f"{reverse('accounts:user_list')}?toegang=ongebruikt"


def _ago(days):
    return timezone.now() - timedelta(days=days)


def _panel(client, user):
    panels, html = home_panels(client, user)
    return panels.get(KEY), html


def _account(org, name, *, joined=400, last=None, **kw):
    return UserFactory(
        organisation=org,
        first_name="Fictief",
        last_name=name,
        date_joined=_ago(joined),
        last_login=_ago(last) if last is not None else None,
        **kw,
    )


def _filtered_list(client, user):
    client.force_login(user)
    response = client.get(FILTERED)
    assert response.status_code == 200
    return response


def test_the_demo_administrator_has_something_to_review(client, seeded):
    beheerder = persona_user("beheerder")
    panel, html = _panel(client, beheerder)
    assert panel is not None and panel.title == "Toegangsbeheer"
    # The two fictitious demo accounts nobody uses; the personas were created
    # just now and have not yet had 14 days to sign in.
    labels = [r.label for r in panel.rows]
    assert labels == ["Tom Demo-Vertrokken", "Lien Demo-Nooit-Aangemeld"]
    assert panel.total == 2
    assert "laatst aangemeld op " + (timezone.localtime(_ago(200))).strftime("%d-%m-%Y") in panel.rows[0].detail
    assert panel.rows[0].detail.startswith("Stad Mechelen")
    assert "nooit aangemeld" in panel.rows[1].detail
    assert panel.more_url == FILTERED
    assert 'href="/account/gebruikers/?toegang=ongebruikt"' in html.replace("&amp;", "&")


def test_thresholds(client, seeded):
    beheerder = persona_user("beheerder")
    org = beheerder.organisation
    _account(org, "Recent89", last=89)
    dormant = _account(org, "Oud91", last=91)
    _account(org, "Nieuw13", joined=13)
    never = _account(org, "Nooit15", joined=15)
    panel, _ = _panel(client, beheerder)
    labels = [r.label for r in panel.rows]
    assert f"Fictief {dormant.last_name}" in labels and f"Fictief {never.last_name}" in labels
    assert not {"Fictief Recent89", "Fictief Nieuw13"} & set(labels)
    assert panel.total == 4  # the two demo accounts and these two


def test_inactive_and_other_organisations_accounts_are_left_out(client, seeded):
    beheerder = persona_user("beheerder")
    _account(beheerder.organisation, "Gedeactiveerd", last=300, is_active=False)
    _account(persona_user("liec").organisation, "Politie", last=300)  # not theirs to manage
    panel, _ = _panel(client, beheerder)
    labels = " ".join(r.label for r in panel.rows)
    assert "Gedeactiveerd" not in labels and "Politie" not in labels
    assert panel.total == 2


def test_oldest_first_and_at_most_rows(client, seeded):
    beheerder = persona_user("beheerder")
    for days in (120, 500, 95, 300, 700, 150):
        _account(beheerder.organisation, f"Oud{days}", last=days, joined=800)
    panel, _ = _panel(client, beheerder)
    assert panel.total == 8
    assert len(panel.rows) == home.ROWS
    # Demo: Tom last signed in 200 days ago, Lien never (created 30 days ago).
    assert [r.label.split()[-1] for r in panel.rows] == ["Oud700", "Oud500", "Oud300", "Demo-Vertrokken", "Oud150"]


def test_an_account_the_administrator_cannot_switch_off_is_counted_and_says_so(client, seeded):
    beheerder = persona_user("beheerder")
    dpo_role = Group.objects.get(name="Functionaris voor gegevensbescherming")
    protected = _account(beheerder.organisation, "Privacy", last=365 * 2, roles=[dpo_role.name])
    panel, _ = _panel(client, beheerder)
    row = next(r for r in panel.rows if r.label.endswith("Privacy"))
    assert "u kunt dit account niet deactiveren" in row.detail
    assert row.url == reverse("accounts:user_edit", args=[protected.pk])
    assert all("niet deactiveren" not in r.detail for r in panel.rows if r is not row)


def test_the_filtered_user_list_shows_exactly_the_panels_accounts(client, seeded):
    beheerder = persona_user("beheerder")
    org = beheerder.organisation
    _account(org, "Recent89", last=89)
    _account(org, "Oud91", last=91)
    _account(org, "Nieuw13", joined=13)
    _account(org, "Nooit15", joined=15)
    _account(org, "Gedeactiveerd", last=300, is_active=False)
    _account(persona_user("liec").organisation, "Politie", last=300)
    panel, _ = _panel(client, beheerder)
    response = _filtered_list(client, beheerder)
    listed = [u.get_full_name() for u in response.context["page"]]
    assert listed == [r.label for r in panel.rows][: len(listed)]
    assert len(listed) == panel.total == 4
    html = response.content.decode()
    assert '<option value="ongebruikt" selected>' in html
    assert "4 actieve accounts die niemand gebruikt" in html
    # Without the filter, the list shows everyone again.
    client.force_login(beheerder)
    everyone = client.get(reverse("accounts:user_list")).context["page"].paginator.count
    assert everyone > panel.total
    # An unknown value is no filter.
    assert client.get(reverse("accounts:user_list") + "?toegang=x").context["page"].paginator.count == everyone


def test_absent_for_non_administrators_and_when_nothing_is_unused(client, seeded):
    for persona in ("dpo", "coordinator", "triage"):
        panel, _ = _panel(client, persona_user(persona))
        assert panel is None, persona
    # May see the list but not change users: no panel either.
    viewer = UserFactory(organisation=persona_user("beheerder").organisation, perms=["accounts.view_user"])
    panel, _ = _panel(client, viewer)
    assert panel is None
    # Nothing to review: no panel.
    from schakel.accounts.models import User

    User.objects.filter(email__in=["oud-account@demo.schakel.test", "uitnodiging@demo.schakel.test"]).update(
        is_active=False
    )
    panel, html = _panel(client, persona_user("beheerder"))
    assert panel is None
    assert "Toegangsbeheer" not in html


def _protected_accounts(org):
    roles = ["Functionaris voor gegevensbescherming", "Frontlijnmedewerker"]
    made = []

    def make(n):
        for _ in range(n):
            made.append(_account(org, f"Oud{len(made)}", last=100 + len(made), roles=roles, perms=["cases.view_case"]))

    return make


def test_the_panel_does_a_fixed_number_of_queries(client, seeded):
    # 1 + 2 demo rows against ROWS rows, each with roles and direct permissions
    # that the "cannot switch off" check reads.
    beheerder = persona_user("beheerder")
    client.force_login(beheerder)
    assert_constant_queries(_protected_accounts(beheerder.organisation), lambda: client.get("/"), small=1, large=12)


def test_the_filtered_list_does_a_fixed_number_of_queries(client, seeded):
    beheerder = persona_user("beheerder")
    client.force_login(beheerder)
    assert_constant_queries(_protected_accounts(beheerder.organisation), lambda: client.get(FILTERED))
