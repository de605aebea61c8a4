"""Stacked tables keep their table semantics for screen readers (ADR 0009).

On a 360 px phone the stacked tables (.table-stack, .scores-table) turn each row
into a card by changing the CSS display of rows and cells. schakel.js gives them
explicit ARIA roles (table, rowgroup, row, columnheader, rowheader, cell) so the
accessibility tree keeps the table whatever the CSS does. Checked here:

- the explicit roles are on every stacked table, also on one that htmx swaps in;
- Chromium's own accessibility tree (through CDP) has a table with rows, cells
  and column headers;
- Playwright finds the table, rows, cells and column headers by role, a cell's
  accessible name is its text with the visible column name in front of it (the
  data-label pseudo-content is kept on purpose, see the ADR), and the ARIA
  snapshot of a table is a table of rows and cells;
- at 1280 px the same holds and the names are the bare cell texts.
"""

from __future__ import annotations

import re

import pytest

from .helpers import log_in

pytestmark = pytest.mark.browser

TRIAGE = "triage@demo.schakel.test"
ENFORCER = "handhaving@demo.schakel.test"  # an OBH member
COORDINATOR = "coordinator@demo.schakel.test"
DPO = "dpo@demo.schakel.test"
QRT = "qrt@demo.schakel.test"

STACKED = "main table.table-stack, main table.scores-table"

# Every row, row group and cell of the stacked tables without its explicit role.
_MISSING_ROLES = """(sel) => {
    const out = [];
    const tables = [...document.querySelectorAll(sel)];
    if (!tables.length) out.push("no stacked table");
    for (const table of tables) {
        if (table.getAttribute("role") !== "table") out.push("table without role=table");
        for (const row of table.rows) {
            const section = row.parentElement;
            if (section !== table && section.getAttribute("role") !== "rowgroup")
                out.push(`${section.tagName} without role=rowgroup`);
            if (row.getAttribute("role") !== "row") out.push("tr without role=row");
            for (const cell of row.cells) {
                const role = cell.getAttribute("role");
                const want = cell.tagName === "TD" ? ["cell"]
                    : section.tagName === "THEAD" ? ["columnheader"]
                    : cell.getAttribute("scope") === "row" ? ["rowheader"] : ["rowheader", "columnheader"];
                if (!want.includes(role)) out.push(`${cell.tagName} "${cell.textContent.trim().slice(0, 30)}" has role ${role}`);
            }
        }
    }
    return out;
}"""


def _pages():
    """{name: (persona, path)}: stacked tables of several apps, each with rows in the demo."""
    from schakel.neighbourhoods.models import Walk
    from schakel.plan.models import OperationalObjective

    walk = Walk.objects.filter(is_demo=True, scores__isnull=False).order_by("pk").first()
    return {
        "signalen-wachtrij": (TRIAGE, "/signalen/wachtrij/"),
        "casussen": (ENFORCER, "/casussen/"),
        "plan-doelstelling": (COORDINATOR, f"/plan/doelstelling/{OperationalObjective.objects.get(code='OD1.1').pk}/"),
        "audit": (DPO, "/audit/"),
        "wijkschouw-scores": (QRT, f"/wijken/wijkschouw/{walk.pk}/"),
    }


def _ax_table(page, table) -> dict:
    """Chromium's own accessibility tree under one table element: its role and the roles below it."""
    cdp = page.context.new_cdp_session(page)
    try:
        object_id = _object_id(cdp, table.element_handle())
        own = cdp.send("Accessibility.getPartialAXTree", {"objectId": object_id, "fetchRelatives": False})["nodes"]
        roles = {}
        for role in ("row", "cell", "columnheader", "rowheader"):
            roles[role] = len(cdp.send("Accessibility.queryAXTree", {"objectId": object_id, "role": role})["nodes"])
        return {"role": own[0]["role"]["value"], **roles}
    finally:
        cdp.detach()


def _object_id(cdp, handle) -> str:
    """A CDP remote object id for a Playwright element handle (tagged, then found again through CDP)."""
    handle.evaluate("el => el.setAttribute('data-ax-probe', '1')")
    found = cdp.send(
        "Runtime.evaluate", {"expression": "document.querySelector('[data-ax-probe]')", "objectGroup": "ax"}
    )["result"]["objectId"]
    handle.evaluate("el => el.removeAttribute('data-ax-probe')")
    return found


def _check_page(page, name: str, width: int) -> list[str]:
    from playwright.sync_api import expect

    problems = [f"{name}: {p}" for p in page.evaluate(_MISSING_ROLES, STACKED)]
    table = page.locator(STACKED).first

    ax = _ax_table(page, table)
    if ax["role"] != "table" or not ax["row"] or not ax["cell"] or not (ax["columnheader"] or ax["rowheader"]):
        problems.append(f"{name}: Chromium's accessibility tree under the table: {ax}")

    # Playwright, by role.
    expect(page.get_by_role("table").first).to_be_attached()
    expect(table.get_by_role("row").first).to_be_attached()
    expect(table.get_by_role("columnheader").first).to_be_attached()
    cell = table.locator("tbody td[data-label]:not(:empty)").first
    text, label, before = cell.evaluate(
        "c => [c.innerText.replace(/\\s+/g, ' ').trim(), c.dataset.label, getComputedStyle(c, '::before').content]"
    )
    # The column name shows in front of the cell text only on a phone (.scores-table: its score cell only).
    shown = width == 360 and label in before
    expected = f"{label}: {text}" if shown else text
    if table.get_by_role("cell", name=expected, exact=True).count() == 0:
        problems.append(f"{name}: no cell named {expected!r}")
    return problems


@pytest.mark.parametrize("width", [360, 1280])
def test_stacked_tables_keep_table_roles(demo_server, page_at, screenshot, width):
    page = page_at(width)
    persona = None
    problems = []
    for name, (who, path) in _pages().items():
        if who != persona:
            page.context.clear_cookies()
            log_in(page, demo_server.url, who)
            persona = who
        page.goto(demo_server.url + path)
        problems += _check_page(page, name, width)
        if name == "casussen":
            snapshot = page.locator(STACKED).first.aria_snapshot()
            for role in ("table", "row", "cell", "columnheader"):
                # A line "- cell ..." (quoted as "- 'cell ..." when the name has a colon).
                assert re.search(rf"^\s*- '?{role}\b(?!group)", snapshot, re.M), (
                    f"{role!r} not in the ARIA snapshot of the case list:\n{snapshot}"
                )
            if width == 360:
                screenshot(page, "stacked-roles-casussen-360")
    assert problems == []
    assert page.csp_errors == []


def test_a_stacked_table_swapped_in_by_htmx_gets_its_roles(demo_server, page_at):
    page = page_at(360)
    log_in(page, demo_server.url, TRIAGE)
    page.goto(demo_server.url + "/signalen/wachtrij/")
    page.evaluate(
        """() => htmx.swap("main", `<table class="table-stack" id="swapped"><thead><tr><th scope="col">Naam</th>
            <th scope="col">Status</th></tr></thead><tbody><tr><th scope="row">Melding 7</th>
            <td data-label="Status">Open</td></tr></tbody></table>`, {swapStyle: "beforeend"})"""
    )
    swapped = page.locator("#swapped")
    assert swapped.get_attribute("role") == "table"
    assert page.evaluate(_MISSING_ROLES, "#swapped") == []
    assert swapped.get_by_role("rowheader", name="Melding 7").count() == 1
    assert swapped.get_by_role("cell", name="Status: Open", exact=True).count() == 1
