"""The home page's "what needs me" panels, contributed by the apps.

Each app that has work for a person puts a module ``<app>/home.py`` next to
its views and calls :func:`register` there; :func:`panels_for` imports those
modules once and asks every panel, in order, for what it has for the user.
A panel reads through the app's own selectors (they take the user, so a
panel shows nothing the user could not open), answers ``None`` when the user
has no role for it, and does a fixed number of queries however much work
there is (``core/tests/test_home.py`` counts them).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime

from django.utils.module_loading import autodiscover_modules


@dataclass(frozen=True)
class Row:
    label: str
    url: str
    detail: str = ""
    due: date | None = None  # a deadline
    at: datetime | None = None  # or a moment (a meeting's start)
    overdue: bool = False
    flag: str = ""  # a short warning shown as a badge ("nog geen QRT-activiteit")


@dataclass(frozen=True)
class Panel:
    key: str
    title: str
    rows: list[Row] = field(default_factory=list)
    total: int = 0
    overdue: int = 0
    more_url: str = ""
    more_label: str = ""
    empty: str = ""
    # What ``total`` counts, when "n open" would not say it ("2 ongebruikte
    # accounts"); the builder translates it with ngettext.
    count_text: str = ""


@dataclass(frozen=True)
class PanelSource:
    key: str
    order: int
    build: Callable[..., Panel | None]


_sources: dict[str, PanelSource] = {}
_discovered = False

# How many rows a panel shows; the rest is behind its link.
ROWS = 5


def register(key: str, order: int):
    """Decorator for a panel builder ``build(user, *, today) -> Panel | None``."""

    def wrap(build):
        _sources[key] = PanelSource(key, order, build)
        return build

    return wrap


def sources() -> list[PanelSource]:
    global _discovered
    if not _discovered:
        autodiscover_modules("home")
        _discovered = True
    return sorted(_sources.values(), key=lambda s: (s.order, s.key))


def panels_for(user, *, today: date) -> list[Panel]:
    if not getattr(user, "is_authenticated", False):
        return []
    panels = []
    for source in sources():
        panel = source.build(user, today=today)
        if panel is not None:
            panels.append(panel)
    return panels
