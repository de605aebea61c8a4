"""Tables people use in the street or on the move, on a 360 px phone: each row
becomes a card (.table-stack), so neither the page nor a table's scroll box
scrolls sideways and every cell shows its column name. At 1280 px they stay tables.

Pages: the wijkschouw and behangtafel lists (QRT), the triage queue and the
invitation links (signals), the meetings, hits, two-phase list and the tables
on a case page (cases)."""

from __future__ import annotations

import pytest

from .helpers import log_in, no_overflow

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


# Rows with content (not the single "nothing yet" cell) in the tables of <main>.
ROWS = "main table tbody tr:not(:has(> td[colspan]))"


def _problems_at_360(page) -> list[str]:
    """What does not fit a phone: sideways scroll of the page or of a box in <main>,
    a cell outside the screen, a cell without its column name, a row still a table row."""
    try:
        no_overflow(page)
    except AssertionError as exc:
        return [str(exc)]
    return page.evaluate(
        """(sel) => {
            const out = [];
            for (const el of document.querySelectorAll("main *")) {
                if (["auto", "scroll"].includes(getComputedStyle(el).overflowX) && el.scrollWidth > el.clientWidth)
                    out.push(`scrolls sideways: ${el.className || el.tagName} ${el.scrollWidth}px in ${el.clientWidth}px`);
            }
            const rows = [...document.querySelectorAll(sel)];
            if (!rows.length) out.push("no rows");
            for (const row of rows) {
                if (getComputedStyle(row).display === "table-row") { out.push("still a table row"); break; }
                for (const cell of row.querySelectorAll("td, th")) {
                    const box = cell.getBoundingClientRect();
                    if (box.width && (box.left < 0 || box.right > 360))
                        out.push(`cell sticks out: ${cell.textContent.trim().slice(0, 40)} ${box.left}-${box.right}`);
                    const label = cell.getAttribute("data-label");
                    const before = getComputedStyle(cell, "::before").content;
                    if (label && !before.includes(label)) out.push(`no column name on ${label}`);
                }
            }
            return out;
        }""",
        ROWS,
    )


def test_tables_become_cards_at_360(demo_server, page_at, screenshot):
    pages = _rows_for_every_page()
    page = page_at(360)
    persona = None
    problems = {}
    for name, (who, path) in pages.items():
        if who != persona:
            page.context.clear_cookies()
            log_in(page, demo_server.url, who)
            persona = who
        page.goto(f"{demo_server.url}{path}")
        screenshot(page, f"narrow-{name}-360")
        found = _problems_at_360(page)
        if found:
            problems[name] = found
    assert problems == {}
    assert page.csp_errors == []


def test_tables_stay_tables_at_1280(demo_server, page_at, screenshot):
    pages = _rows_for_every_page()
    page = page_at(1280)
    persona = None
    problems = {}
    for name, (who, path) in pages.items():
        if who != persona:
            page.context.clear_cookies()
            log_in(page, demo_server.url, who)
            persona = who
        page.goto(f"{demo_server.url}{path}")
        no_overflow(page)
        # Every row a table row, its cells side by side on one line, the column headers shown.
        found = page.evaluate(
            """(sel) => {
                const out = [];
                const rows = [...document.querySelectorAll(sel)];
                if (!rows.length) out.push("no rows");
                for (const row of rows) {
                    if (getComputedStyle(row).display !== "table-row") out.push("not a table row");
                    const tops = new Set([...row.children].map(c => Math.round(c.getBoundingClientRect().top)));
                    if (tops.size !== 1) out.push("cells not on one line");
                }
                for (const head of document.querySelectorAll("main thead")) {
                    if (head.getBoundingClientRect().height < 20) out.push("column headers hidden");
                }
                return out;
            }""",
            ROWS,
        )
        if found:
            problems[name] = found
        if name in {"wijkschouw", "signalen-wachtrij", "casus"}:
            screenshot(page, f"narrow-{name}-1280")
    assert problems == {}
