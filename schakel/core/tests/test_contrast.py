"""WCAG AA colour contrast of the base stylesheet's colour pairs (4.5:1 for text, 3:1 for focus)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings

CSS = Path(settings.BASE_DIR) / "schakel" / "static" / "schakel" / "css" / "schakel.css"


def css_variables() -> dict[str, str]:
    root = re.search(r":root\s*{(.*?)}", CSS.read_text(encoding="utf-8"), re.S).group(1)
    return {name: value.strip() for name, value in re.findall(r"(--[\w-]+)\s*:\s*([^;]+);", root)}


def colour(value: str, variables: dict[str, str]) -> tuple[float, float, float]:
    value = variables.get(value, value)
    match = re.fullmatch(r"#([0-9a-fA-F]{6}|[0-9a-fA-F]{3})", value)
    assert match, f"not a hex colour: {value}"
    digits = match.group(1)
    if len(digits) == 3:
        digits = "".join(c * 2 for c in digits)
    return tuple(int(digits[i : i + 2], 16) / 255 for i in (0, 2, 4))


def luminance(rgb) -> float:
    def channel(c):
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(c) for c in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(fg, bg) -> float:
    light, dark = sorted((luminance(fg), luminance(bg)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def test_contrast_formula():
    assert contrast((0, 0, 0), (1, 1, 1)) == pytest.approx(21.0)
    assert contrast((1, 1, 1), (1, 1, 1)) == pytest.approx(1.0)


# (foreground, background, where it is used); values are CSS variables or hex colours from schakel.css.
TEXT_PAIRS = [
    ("--ink", "--paper", "body text on cards"),
    ("--ink", "--wash", "body text on the page"),
    ("--ink-soft", "--wash", "lead text, footer"),
    ("--ink-soft", "--paper", "help texts in forms"),
    ("--brand", "--paper", "links, secondary buttons"),
    ("--brand", "--wash", "links on the page"),
    ("#ffffff", "--brand", "primary buttons"),
    ("#ffffff", "--brand-dark", "header, menu, button hover"),
    ("#ffffff", "--danger", "danger buttons"),
    ("--danger", "--paper", "field errors"),
    ("--ok", "#e7f4ea", "badge ok"),
    ("--warn", "#fff4d6", "badge warn"),
    ("--danger", "#fbeaea", "badge danger"),
    ("#5c3d00", "#fff4d6", "demo banner"),
    ("--ink", "#e8f0fa", "info message"),
    ("--ink", "--focus", "skip link"),
]


@pytest.mark.parametrize(("fg", "bg", "where"), TEXT_PAIRS, ids=[p[2] for p in TEXT_PAIRS])
def test_text_contrast_is_wcag_aa(fg, bg, where):
    variables = css_variables()
    ratio = contrast(colour(fg, variables), colour(bg, variables))
    assert ratio >= 4.5, f"{where}: {fg} on {bg} has contrast {ratio:.2f}:1, needs 4.5:1"


@pytest.mark.parametrize("bg", ["--paper", "--wash", "--brand-dark"])
def test_focus_indicator_is_visible(bg):
    # The focus style is a --focus outline with an --ink ring around it: one of both must stand out.
    variables = css_variables()
    best = max(contrast(colour(c, variables), colour(bg, variables)) for c in ("--focus", "--ink"))
    assert best >= 3.0, f"focus indicator on {bg}: {best:.2f}:1"
