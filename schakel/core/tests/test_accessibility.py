"""Accessibility basics of the layout: language, skip link, landmarks, labelled fields."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

UNLABELLED_INPUT_TYPES = {"hidden", "submit", "button", "reset", "image"}


class Page(HTMLParser):
    """Collects the elements the checks below need."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict]] = []
        self.label_for: set[str] = set()
        self.headings: list[str] = []
        self._heading: str | None = None
        self._text = ""
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = {k: (v or "") for k, v in attrs}
        self.elements.append((tag, attrs))
        if tag == "label" and attrs.get("for"):
            self.label_for.add(attrs["for"])
        if tag in {"h1", "h2", "h3"}:
            self._heading, self._text = tag, ""

    def handle_endtag(self, tag):
        if tag == self._heading:
            self.headings.append(f"{tag}:{self._text.strip()}")
            self._heading = None

    def handle_data(self, data):
        if self._heading:
            self._text += data

    def find(self, tag, **attrs):
        return [a for t, a in self.elements if t == tag and all(a.get(k) == v for k, v in attrs.items())]


def check_page(html: str, *, signed_in: bool) -> list[str]:
    page = Page(html)
    problems = []
    (html_tag,) = page.find("html")
    if html_tag.get("lang") not in {"nl", "fr", "en"}:
        problems.append("<html> has no lang")
    skip = [a for a in page.find("a") if a.get("href") == "#main"]
    if not skip:
        problems.append("no skip link to #main")
    else:
        # Counted from <body>: what the head holds (icons, styles, scripts) does not matter.
        body = next(i for i, (tag, _) in enumerate(page.elements) if tag == "body")
        if page.elements.index(("a", skip[0])) - body > 3:
            problems.append("skip link is not among the first elements of the page")
    if len(page.find("main", id="main")) != 1:
        problems.append('not exactly one <main id="main">')
    navs = page.find("nav")
    if signed_in and not any(n.get("aria-label") for n in navs):
        problems.append("no <nav aria-label> for the signed-in menu")
    if any(not n.get("aria-label") and not n.get("aria-labelledby") for n in navs):
        problems.append("a <nav> without an accessible name")
    if sum(h.startswith("h1:") for h in page.headings) != 1:
        problems.append(f"not exactly one <h1>: {page.headings}")
    for tag in ("input", "select", "textarea"):
        for attrs in page.find(tag):
            if tag == "input" and attrs.get("type", "text").lower() in UNLABELLED_INPUT_TYPES:
                continue
            name = attrs.get("name") or attrs.get("id") or "?"
            if not attrs.get("id"):
                problems.append(f"<{tag} name={name}> has no id, so no <label for> can point at it")
            elif attrs["id"] not in page.label_for:
                problems.append(f"<{tag} id={attrs['id']}> has no <label for>")
    return problems


def test_checker_notices_missing_labels_and_landmarks():
    bad = '<html><body><nav></nav><div><input type="text" name="q"><select id="s"></select></div></body></html>'
    problems = check_page(bad, signed_in=True)
    assert "<html> has no lang" in problems
    assert "no skip link to #main" in problems
    assert 'not exactly one <main id="main">' in problems
    assert "no <nav aria-label> for the signed-in menu" in problems
    assert any("name=q" in p for p in problems)
    assert any("id=s" in p for p in problems)


def test_login_page_basics(client):
    response = client.get(reverse("accounts:login"))
    assert response.status_code == 200
    assert check_page(response.content.decode(), signed_in=False) == []


def test_login_page_with_errors_keeps_labels(client):
    response = client.post(reverse("accounts:login"), {"email": "niet-geldig", "password": ""})
    assert response.status_code == 200
    assert check_page(response.content.decode(), signed_in=False) == []


@pytest.mark.parametrize("persona", ["coordinator", "beheerder", "extern"])
def test_home_page_basics(persona_client, persona):
    response = persona_client(persona).get(reverse("core:home"))
    assert response.status_code == 200
    assert check_page(response.content.decode(), signed_in=True) == []


def test_my_account_page_basics(persona_client):
    response = persona_client("coordinator").get(reverse("accounts:my_account"))
    assert check_page(response.content.decode(), signed_in=True) == []


def test_error_page_basics(client):
    response = client.get("/bestaat-niet/")
    assert check_page(response.content.decode(), signed_in=False) == []
