"""The signal settings page on a 360 px phone (the functional administrator's
categories, deadlines, retention and routing rules). Stacked into cards the page
was about 7 700 px long with the routing rules at the very end; it now opens with
a table of contents, each section ends with "Naar boven", and a subcategory card
shows only its own values (what it takes over from its main category is one line).
Nothing of this may cost the wide page its tables."""

from __future__ import annotations

import pytest
from django.urls import reverse

from .helpers import log_in, narrow_table_problems, no_overflow, wide_table_problems

pytestmark = pytest.mark.browser

ADMIN = "beheerder@demo.schakel.test"

# Is the element's top edge inside the viewport?
_IN_VIEW = """(el) => {
    const box = el.getBoundingClientRect();
    return box.height > 0 && box.top >= 0 && box.top < window.innerHeight;
}"""


def _open(page, base_url):
    log_in(page, base_url, ADMIN)
    page.goto(base_url + reverse("signals:settings"))


def _toc_links(page):
    toc = page.get_by_role("navigation", name="Op deze pagina")
    assert toc.is_visible(), "no table of contents at the top of the page"
    return toc, toc.get_by_role("link")


def test_settings_page_at_360_has_a_table_of_contents_and_no_sideways_scroll(demo_server, page_at, screenshot):
    from schakel.signals.models import Category

    page = page_at(360, 740)
    _open(page, demo_server.url)
    screenshot(page, "signals-settings-360")
    no_overflow(page)
    assert narrow_table_problems(page) == []

    toc, links = _toc_links(page)
    targets = [links.nth(i).get_attribute("href") for i in range(links.count())]
    assert all(t.startswith("#") for t in targets), targets
    # Every section heading of the page and every main category is in the table of contents.
    sections = page.eval_on_selector_all("main h2[id]:not(nav h2)", "els => els.map(e => '#' + e.id)")
    assert sections and set(sections) <= set(targets), (sections, targets)
    for main in Category.objects.filter(parent=None):
        assert f"#categorie-{main.pk}" in targets, main.name
    # Each link brings its section's heading (a main category: its card's title) into view.
    for i, target in enumerate(targets):
        page.evaluate("window.scrollTo(0, 0)")
        links.nth(i).click()
        page.wait_for_function("(t) => location.hash === t", arg=target)
        section = page.locator(target)
        heading = (
            section
            if page.evaluate("(t) => /^H[1-6]$/.test(document.querySelector(t).tagName)", target)
            else section.locator(".table-stack__title")
        )
        assert heading.evaluate(_IN_VIEW), f"{target} is not in view after its link in the table of contents"
    # ... and "Naar boven" after the last section brings the table of contents back.
    page.get_by_role("link", name="Naar boven").last.click()
    page.wait_for_function("location.hash === '#inhoud'")
    assert toc.evaluate(_IN_VIEW)

    # A subcategory card does not repeat what it takes from its main category: no visible "↑".
    arrows = page.eval_on_selector_all(
        "main td", "tds => tds.filter(td => td.offsetParent !== null && td.textContent.trim() === '↑').length"
    )
    assert arrows == 0, f"{arrows} inherited values still shown as a line of their own"
    # Every category is still a link to its form.
    assert page.locator("main table a[href*='/instellingen/categorie/']").count() == Category.objects.count()
    assert page.csp_errors == []


def test_settings_page_at_1280_keeps_its_tables(demo_server, page_at, screenshot):
    page = page_at(1280)
    _open(page, demo_server.url)
    screenshot(page, "signals-settings-1280")
    assert wide_table_problems(page) == []
    # The values a subcategory takes over still show in their columns.
    assert page.get_by_role("cell", name="↑", exact=True).first.is_visible()
    assert page.locator("main table").count() == 2
    assert page.csp_errors == []
