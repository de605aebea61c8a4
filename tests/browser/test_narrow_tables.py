"""Tables people use in the street or on the move, on a 360 px phone: each row
becomes a card (.table-stack), so neither the page nor a table's scroll box
scrolls sideways and every cell shows its column name. At 1280 px they stay tables.

Pages: the wijkschouw and behangtafel lists (QRT), the triage queue and the
invitation links (signals), the meetings, hits, two-phase list and the tables
on a case page (cases)."""

from __future__ import annotations

import pytest

from .helpers import narrow_table_problems, visit_pages, wide_table_problems

pytestmark = pytest.mark.browser

QRT = "qrt@demo.schakel.test"
ADMIN = "beheerder@demo.schakel.test"
TRIAGE = "triage@demo.schakel.test"
ENFORCER = "handhaving@demo.schakel.test"
PROSECUTOR = "parket@demo.schakel.test"
SHOP = "Nachtwinkel met opvallend weinig klanten"
LONG_PROPOSAL = (
    "Meer verlichting en een zitbank op het pleintje naast de speeltuin, "
    "met een vuilnisbak die vaker geleegd wordt (Kerkhofstraat-Zandpoortvest)"
)


def _rows_for_every_page():
    """Rows on the pages that the demo leaves empty; returns {name: (persona, path)}."""
    from schakel.accounts.models import User
    from schakel.cases import services as case_services
    from schakel.cases.models import Case, CaseSubject, Hit
    from schakel.neighbourhoods import services as nb_services
    from schakel.neighbourhoods.models import BehangtafelSession, ProposalTheme

    qrt = User.objects.get(email=QRT)
    session = BehangtafelSession.objects.filter(is_demo=True).order_by("pk").first()
    nb_services.proposal_add(
        actor=qrt,
        session=session,
        text=LONG_PROPOSAL,
        theme=ProposalTheme.objects.filter(is_active=True).first(),
        support_count=12,
    )
    case = Case.objects.get(title=SHOP)
    if not Hit.objects.filter(case=case).exists():
        Hit.objects.create(
            case=case,
            matched_subject=CaseSubject.objects.filter(case=case).first().subject,
            triggered_by=qrt,
            trigger_kind="case_subject",
            reason="name",
            score=92,
        )
    case_services.twophase_propose(
        actor=User.objects.get(email=PROSECUTOR),
        judicial_reference="AN.12.LB.012345/26",
        summary="Witwassen via een nachtwinkel en een carwash in Mechelen-Noord (fictief)",
    )
    return {
        "wijkschouw": (QRT, "/wijken/wijkschouw/"),
        "behangtafel": (QRT, "/wijken/behangtafel/"),
        "behangtafel-sessie": (QRT, f"/wijken/behangtafel/{session.pk}/"),
        "behangtafel-themas": (ADMIN, "/wijken/behangtafel/themas/"),
        "signalen-wachtrij": (TRIAGE, "/signalen/wachtrij/"),
        "signalen-uitnodigingen": (TRIAGE, "/signalen/uitnodigingen/"),
        "casussen-overleggen": (ENFORCER, "/casussen/overleggen/"),
        "casussen-hits": (ENFORCER, "/casussen/hits/"),
        "casussen-tweefasenlijst": (PROSECUTOR, "/casussen/tweefasenlijst/"),
        "casus": (ENFORCER, f"/casussen/{case.pk}/"),
    }


# Rows with content (not the single "nothing yet" cell) in every table of <main>.
ROWS = "main table tbody tr:not(:has(> td[colspan]))"


def test_tables_become_cards_at_360(demo_server, page_at, screenshot):
    page = page_at(360)
    problems = visit_pages(
        page,
        demo_server.url,
        _rows_for_every_page(),
        lambda p: narrow_table_problems(p, ROWS),
        shot=lambda p, name: screenshot(p, f"narrow-{name}-360"),
    )
    assert problems == {}
    assert page.csp_errors == []


def test_tables_stay_tables_at_1280(demo_server, page_at, screenshot):
    page = page_at(1280)
    shots = {"wijkschouw", "signalen-wachtrij", "casus"}
    problems = visit_pages(
        page,
        demo_server.url,
        _rows_for_every_page(),
        lambda p: wide_table_problems(p, ROWS),
        shot=lambda p, name: screenshot(p, f"narrow-{name}-1280") if name in shots else None,
    )
    assert problems == {}
