"""More tables on a 360 px phone: each row becomes a card (.table-stack), so
neither the page nor a table's scroll box scrolls sideways and every cell shows
its column name. At 1280 px they stay tables. Same checks as test_narrow_tables.

Pages: the action plan (objective, action, indicator, dashboard, working group,
core-group report); users, organisations, the audit trail, the legal framework,
processes, signal settings and the case and neighbourhood retention pages. The small two-column "figures as a table" under a chart stays
a table (a period and a value fit a phone); it must not scroll either."""

from __future__ import annotations

import datetime

import pytest

from .helpers import narrow_table_problems, visit_pages, wide_table_problems

pytestmark = pytest.mark.browser

COORDINATOR = "coordinator@demo.schakel.test"
ADMIN = "beheerder@demo.schakel.test"
DPO = "dpo@demo.schakel.test"
LONG_NOTE = (
    "Overleg met de eigenaar van het handelspand in de Kerkhofstraat-Zandpoortvest "
    "uitgesteld tot na de hoorzitting bij de burgemeester; verslag volgt"
)


def _pages():
    """Rows on every page (an update, an overdue action); returns {name: (persona, path)}."""
    from django.utils import timezone

    from schakel.accounts.models import User
    from schakel.cases.models import Case, CaseDeletionProof
    from schakel.neighbourhoods.models import RetentionProof
    from schakel.plan import services as plan_services
    from schakel.plan.models import Action, Indicator, OperationalObjective, PlanGroup

    coordinator = User.objects.get(email=COORDINATOR)
    od = OperationalObjective.objects.get(code="OD1.1")
    action = Action.objects.filter(objective=od, status__in=["gepland", "lopend"]).order_by("pk").first()
    plan_services.action_add_update(actor=coordinator, action=action, status="vertraagd", progress=40, note=LONG_NOTE)
    # One open action of a working group over its deadline: the dashboard and report list it.
    group = PlanGroup.objects.filter(strategic_objective=od.strategic_objective).first()
    Action.objects.filter(pk=action.pk).update(due_date=datetime.date.today() - datetime.timedelta(days=10))
    # Retention proofs: the demo has deleted nothing yet.
    now = timezone.now()
    CaseDeletionProof.objects.create(
        case_reference="CAS-2019-00042",
        case_type=Case.objects.order_by("pk").first().case_type,
        registered_month="2019-03",
        closed_at=now - datetime.timedelta(days=800),
        rule="Bestuurlijke handhaving: 24 maanden na afsluiting",
        content_sha256="ab" * 32,
        deleted_at=now,
    )
    RetentionProof.objects.create(
        rule="walk_notes",
        object_type="neighbourhoods.neighbourhoodwalkscore",
        object_id=123456,
        record_month="2024-01",
        fields="note, photo_description, observer_remarks",
        content_sha256="cd" * 32,
        done_at=now,
    )
    return {
        "plan-doelstelling": (COORDINATOR, f"/plan/doelstelling/{od.pk}/"),
        "plan-actie": (COORDINATOR, f"/plan/actie/{action.pk}/"),
        "plan-indicator": (COORDINATOR, f"/plan/indicator/{Indicator.objects.get(code='VM1').pk}/"),
        "plan-opvolging": (COORDINATOR, "/plan/opvolging/"),
        "plan-groep": (COORDINATOR, f"/plan/groep/{group.pk}/"),
        "plan-rapport": (COORDINATOR, "/plan/rapport/"),
        "gebruikers": (ADMIN, "/account/gebruikers/"),
        "organisaties": (ADMIN, "/account/organisaties/"),
        "juridisch": (ADMIN, "/juridisch/"),
        "processen": (ADMIN, "/processen/"),
        "signalen-instellingen": (ADMIN, "/signalen/instellingen/"),
        "casussen-bewaartermijnen": (ADMIN, "/casussen/bewaartermijnen/"),
        "wijken-bewaartermijnen": (ADMIN, "/wijken/bewaartermijnen/"),
        "audit": (DPO, "/audit/"),
    }


def test_tables_become_cards_at_360(demo_server, page_at, screenshot):
    page = page_at(360)
    problems = visit_pages(
        page,
        demo_server.url,
        _pages(),
        narrow_table_problems,
        shot=lambda p, name: screenshot(p, f"narrow-more-{name}-360"),
    )
    assert problems == {}
    assert page.csp_errors == []


def test_tables_stay_tables_at_1280(demo_server, page_at, screenshot):
    page = page_at(1280)
    shots = {"plan-doelstelling", "plan-opvolging"}
    problems = visit_pages(
        page,
        demo_server.url,
        _pages(),
        wide_table_problems,
        shot=lambda p, name: screenshot(p, f"narrow-more-{name}-1280") if name in shots else None,
    )
    assert problems == {}
