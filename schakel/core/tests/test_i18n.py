"""Translations: complete fr/en catalogues and the language switch."""

from __future__ import annotations

import ast
import subprocess

import pytest
from django.conf import settings
from django.urls import reverse

from .catalogues import ensure_compiled, po_files

LOGIN = reverse("accounts:login")
SET_LANGUAGE = reverse("set_language")
COOKIE = settings.LANGUAGE_COOKIE_NAME

HEADINGS = {
    "nl": "Aanmelden bij Schakel",
    "fr": "Se connecter à Schakel",
    "en": "Sign in to Schakel",
}


@pytest.fixture(autouse=True)
def compiled_catalogues():
    ensure_compiled()


def _entries(po_path):
    """(msgid, msgstr-list, flags) per entry of a .po file, parsed with msgcat's help."""
    # Normalise with msgcat (one line per string, no wrapping) so the tiny parser below is reliable.
    text = subprocess.run(
        ["msgcat", "--no-wrap", "--no-location", str(po_path)], check=True, capture_output=True, text=True
    ).stdout
    entries, current, field = [], None, None
    for line in text.splitlines() + [""]:
        if not line.strip():
            if current and current["msgid"]:
                entries.append(current)
            current, field = None, None
            continue
        if current is None:
            current = {"msgid": "", "msgstr": [], "flags": "", "obsolete": False}
        if line.startswith("#~"):
            current["obsolete"] = True
        elif line.startswith("#,"):
            current["flags"] += line
        elif line.startswith("msgid "):
            field = "msgid"
            current["msgid"] = ast.literal_eval(line[6:])
        elif line.startswith("msgid_plural "):
            field = None
        elif line.startswith("msgstr"):
            field = "msgstr"
            current["msgstr"].append(ast.literal_eval(line.split(" ", 1)[1]))
        elif line.startswith('"') and field:
            if field == "msgid":
                current["msgid"] += ast.literal_eval(line)
            else:
                current["msgstr"][-1] += ast.literal_eval(line)
    return [e for e in entries if not e["obsolete"]]


def test_catalogues_exist_for_every_language():
    langs = {p.parent.parent.name for p in po_files()}
    assert langs == {code for code, _ in settings.LANGUAGES}


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_every_message_is_translated(lang):
    (po,) = [p for p in po_files() if p.parent.parent.name == lang]
    entries = _entries(po)
    assert len(entries) > 100, "catalogue looks empty: run `make messages`"
    untranslated = [e["msgid"] for e in entries if not all(e["msgstr"])]
    fuzzy = [e["msgid"] for e in entries if "fuzzy" in e["flags"]]
    assert not untranslated, f"{lang}: untranslated messages: {untranslated[:20]}"
    assert not fuzzy, f"{lang}: fuzzy (unchecked) translations: {fuzzy[:20]}"


def test_catalogues_compile_with_format_checks(tmp_path):
    for po in po_files():
        result = subprocess.run(
            ["msgfmt", "--check-format", "-o", str(tmp_path / "out.mo"), str(po)], capture_output=True, text=True
        )
        assert result.returncode == 0, f"{po}: {result.stderr}"


@pytest.mark.django_db
def test_default_language_is_dutch(client):
    response = client.get(LOGIN)
    html = response.content.decode()
    assert '<html lang="nl">' in html
    assert HEADINGS["nl"] in html


@pytest.mark.django_db
@pytest.mark.parametrize("lang", ["fr", "en"])
def test_language_switch_translates_the_next_page(client, lang):
    response = client.post(SET_LANGUAGE, {"language": lang, "next": LOGIN})
    assert response.status_code == 302 and response["Location"] == LOGIN
    assert response.cookies[COOKIE].value == lang
    html = client.get(LOGIN).content.decode()
    assert f'<html lang="{lang}">' in html
    assert HEADINGS[lang] in html
    assert HEADINGS["nl"] not in html


@pytest.mark.django_db
def test_switching_back_to_dutch(client):
    client.post(SET_LANGUAGE, {"language": "fr", "next": LOGIN})
    client.post(SET_LANGUAGE, {"language": "nl", "next": LOGIN})
    assert HEADINGS["nl"] in client.get(LOGIN).content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("code", ["xx", "", "fr<script>", "../../etc/passwd", "x" * 500])
def test_unknown_language_code_is_ignored_and_page_stays_dutch(client, code):
    response = client.post(SET_LANGUAGE, {"language": code, "next": LOGIN})
    assert response.status_code == 302
    assert COOKIE not in response.cookies
    html = client.get(LOGIN).content.decode()
    assert '<html lang="nl">' in html and HEADINGS["nl"] in html


@pytest.mark.django_db
def test_tampered_language_cookie_falls_back_to_dutch(client):
    client.cookies[COOKIE] = "xx"
    response = client.get(LOGIN)
    assert response.status_code == 200
    assert HEADINGS["nl"] in response.content.decode()


@pytest.mark.django_db
def test_set_language_refuses_offsite_next(client):
    response = client.post(SET_LANGUAGE, {"language": "en", "next": "https://evil.example/"})
    assert response.status_code == 302
    assert not response["Location"].startswith("https://evil.example")


@pytest.mark.django_db
def test_signed_in_pages_follow_the_language_too(persona_client):
    client = persona_client("coordinator")
    client.post(SET_LANGUAGE, {"language": "en", "next": "/"})
    html = client.get(reverse("core:home")).content.decode()
    assert "Welcome, Lotte" in html and "Sign out" in html
