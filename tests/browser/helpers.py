"""Shared steps of the browser tests."""

from __future__ import annotations

import re

PASSWORD = "Schakel-demo-2026"  # every demo persona's password


def log_in(page, base_url: str, email: str) -> None:
    """Sign in through the login form and wait for the start page."""
    page.goto(f"{base_url}/account/aanmelden/")
    page.get_by_label("E-mailadres").fill(email)
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Aanmelden").click()
    page.wait_for_url(re.compile(r"/$"))


def no_overflow(page) -> None:
    """The page is no wider than its viewport (no sideways scrolling on a phone)."""
    width = page.viewport_size["width"]
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= width, f"page is {scroll_width}px wide in a {width}px viewport"


# --- tables as stacked cards on a phone (.table-stack) -------------------------

# Rows with content (not the single "nothing yet" cell) in the stacked tables of <main>.
STACKED_ROWS = "main table.table-stack tbody tr:not(:has(> td[colspan]))"

_NARROW_CHECK = """(sel) => {
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
    // A long text squeezed into a sliver (a term list whose terms take the width).
    for (const el of document.querySelectorAll("main dd, main td, main th, main p, main li")) {
        const box = el.getBoundingClientRect();
        if (box.width && box.width < 120 && el.textContent.trim().length > 40)
            out.push(`text squeezed into ${Math.round(box.width)}px: ${el.textContent.trim().slice(0, 40)}`);
    }
    for (const table of document.querySelectorAll("main table:not(.table-stack)")) {
        const box = table.getBoundingClientRect();
        if (box.width && box.right > 360) out.push(`table wider than the screen: ${box.right}px`);
    }
    return out;
}"""

_WIDE_CHECK = """([sel, heads]) => {
    const out = [];
    const rows = [...document.querySelectorAll(sel)];
    if (!rows.length) out.push("no rows");
    for (const row of rows) {
        if (getComputedStyle(row).display !== "table-row") out.push("not a table row");
        const tops = new Set([...row.children].map(c => Math.round(c.getBoundingClientRect().top)));
        if (tops.size !== 1) out.push("cells not on one line");
    }
    for (const head of document.querySelectorAll(heads)) {
        if (head.getBoundingClientRect().height < 20) out.push("column headers hidden");
    }
    return out;
}"""


def narrow_table_problems(page, rows: str = STACKED_ROWS) -> list[str]:
    """What does not fit a 360 px phone: sideways scroll of the page or of a box
    in <main>, a cell outside the screen or without its column name, a row
    still a table row, a long text squeezed into a narrow column, a table that
    is not stacked and is wider than the screen."""
    try:
        no_overflow(page)
    except AssertionError as exc:
        return [str(exc)]
    return page.evaluate(_NARROW_CHECK, rows)


def wide_table_problems(page, rows: str = STACKED_ROWS) -> list[str]:
    """At 1280 px: every row a table row with its cells on one line, the column headers shown."""
    no_overflow(page)
    return page.evaluate(_WIDE_CHECK, [rows, rows.split(" tbody")[0] + " thead"])


def visit_pages(page, base_url: str, pages: dict, check, shot=None) -> dict:
    """Open each page {name: (persona e-mail, path)} signed in as its persona
    (signing in again only when the persona changes), with every <details>
    that holds a table opened; returns {name: problems} of ``check(page)``."""
    persona = None
    problems = {}
    for name, (who, path) in pages.items():
        if who != persona:
            page.context.clear_cookies()
            log_in(page, base_url, who)
            persona = who
        page.goto(f"{base_url}{path}")
        page.evaluate(
            "document.querySelectorAll('main details').forEach(d => { if (d.querySelector('table')) d.open = true; })"
        )
        if shot:
            shot(page, name)
        found = check(page)
        if found:
            problems[name] = found
    return problems
