"""Strict Content-Security-Policy: on every response, and kept possible by clean templates."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

TEMPLATE_ROOT = Path(settings.BASE_DIR) / "schakel"


def _directives(header: str) -> dict[str, list[str]]:
    out = {}
    for part in header.split(";"):
        tokens = part.split()
        if tokens:
            out[tokens[0]] = tokens[1:]
    return out


def assert_strict_csp(response):
    header = response.get("Content-Security-Policy")
    assert header, f"{response.request['PATH_INFO']} has no Content-Security-Policy header"
    directives = _directives(header)
    assert directives.get("script-src", [])[:1] == ["'self'"], header
    assert "'unsafe-inline'" not in header and "'unsafe-eval'" not in header, header
    assert directives.get("style-src") == ["'self'"], header
    assert directives.get("object-src") == ["'none'"], header
    assert directives.get("frame-ancestors") == ["'none'"], header


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url",
    [
        reverse("accounts:login"),
        reverse("accounts:password_reset"),
        reverse("core:health"),
        reverse("core:home"),  # redirect to login
        "/bestaat-niet/",
    ],
)
def test_anonymous_responses_carry_strict_csp(client, url):
    # Static files are served by WhiteNoise before the CSP middleware; they are ours and not HTML.
    assert_strict_csp(client.get(url))


@pytest.mark.django_db
def test_signed_in_responses_carry_strict_csp(persona_client):
    client = persona_client("beheerder")
    for name in ["core:home", "accounts:my_account", "accounts:user_list", "accounts:role_list"]:
        response = client.get(reverse(name))
        assert response.status_code == 200, name
        assert_strict_csp(response)
    assert_strict_csp(client.post(reverse("set_language"), {"language": "fr", "next": "/"}))
    assert_strict_csp(client.post(reverse("accounts:logout")))


# --- Templates must not need 'unsafe-inline' ------------------------------------
TAG_RE = re.compile(r"<([a-zA-Z][a-zA-Z0-9-]*)((?:[^>\"']|\"[^\"]*\"|'[^']*')*)>", re.S)
ON_ATTR_RE = re.compile(r"(?:^|\s)(on[a-z]+)\s*=", re.I)
HX_ON_RE = re.compile(r"(?:^|\s)(hx-on\S*|data-hx-on\S*)\s*=", re.I)
STYLE_ATTR_RE = re.compile(r"(?:^|\s)style\s*=", re.I)
JS_URL_RE = re.compile(r"""(?:href|src|action)\s*=\s*["']?\s*javascript:""", re.I)


def template_files() -> list[Path]:
    return sorted(p for p in TEMPLATE_ROOT.rglob("*.html") if "static" not in p.parts and "vendor" not in p.parts)


def csp_violations(source: str) -> list[str]:
    """Problems in one template's source that a strict CSP would block."""
    # Django comments can legitimately talk about forbidden things.
    source = re.sub(r"{#.*?#}", "", source, flags=re.S)
    source = re.sub(r"{%\s*comment\s*%}.*?{%\s*endcomment\s*%}", "", source, flags=re.S)
    found = []
    for match in TAG_RE.finditer(source):
        tag, attrs = match.group(1).lower(), match.group(2)
        line = source.count("\n", 0, match.start()) + 1
        if tag == "script":
            is_json = re.search(r"""type\s*=\s*["']?application/(ld\+)?json""", attrs, re.I)
            if not re.search(r"(?:^|\s)src\s*=", attrs) and not is_json:
                found.append(f"line {line}: inline <script> (use a static file and data-* or json_script)")
        if tag == "style":
            found.append(f"line {line}: <style> element (put CSS in a static file)")
        if STYLE_ATTR_RE.search(attrs):
            found.append(f"line {line}: style= attribute on <{tag}> (use a CSS class)")
        for attr in ON_ATTR_RE.findall(attrs):
            found.append(f"line {line}: inline event handler {attr}= on <{tag}> (use addEventListener in a JS file)")
        for attr in HX_ON_RE.findall(attrs):
            found.append(f"line {line}: {attr} on <{tag}> (htmx inline script; allowEval is off)")
        if JS_URL_RE.search(attrs):
            found.append(f"line {line}: javascript: URL on <{tag}>")
    return found


def test_template_walker_finds_the_templates():
    names = {p.relative_to(TEMPLATE_ROOT).as_posix() for p in template_files()}
    assert {"templates/base.html", "templates/error.html", "accounts/templates/accounts/login.html"} <= names


@pytest.mark.parametrize(
    "snippet",
    [
        "<script>alert(1)</script>",
        '<script type="text/javascript">x()</script>',
        '<div style="color:red">',
        "<p STYLE='x'>",
        '<button onclick="go()">',
        '<body onload="init()">',
        "<img src=x onerror=alert(1)>",
        '<a href="javascript:void(0)">',
        '<div hx-on:click="alert(1)">',
        "<style>p{}</style>",
        '<input\n  type="text"\n  onchange="x()">',
    ],
)
def test_checker_flags_csp_breaking_markup(snippet):
    assert csp_violations(snippet)


@pytest.mark.parametrize(
    "snippet",
    [
        "<script src=\"{% static 'x.js' %}\" defer></script>",
        '<script id="data" type="application/json">{"a": 1}</script>',
        "{{ value|json_script:'data' }}",
        '<div class="online" data-onclick-target="x" data-style="y">',
        '<input name="onboarding" value="styled">',
        "{# <script>alert(1)</script> #}",
        "<p>Online =  style = onclick= in tekst</p>",
    ],
)
def test_checker_accepts_clean_markup(snippet):
    assert csp_violations(snippet) == []


def test_no_template_breaks_the_csp():
    problems = []
    for path in template_files():
        for problem in csp_violations(path.read_text(encoding="utf-8")):
            problems.append(f"{path.relative_to(TEMPLATE_ROOT)}: {problem}")
    assert not problems, "Templates that a strict CSP blocks:\n" + "\n".join(problems)
