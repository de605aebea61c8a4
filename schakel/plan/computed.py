"""The computed-indicator registry: a shared contract between the plan app and
the other apps.

Any app registers a named, documented, aggregate-only query in its
``AppConfig.ready()``::

    from schakel.plan.computed import ComputedQuery, register

    register(ComputedQuery(
        key="neighbourhoods.presence_hours",   # unique, "<app>.<name>"
        label=_("Aanwezigheidsuren QRT"),       # Dutch, translatable
        description="Sum of ... ; params: area (area code, optional).",
        unit="uur",
        func=presence_hours,  # func(*, start: date, end: date, params: dict) -> Decimal | None
    ))

``func`` must be a pure read (no writes), return an aggregate only (no
personal data, no free text) and return ``None`` when there is nothing to
measure. An indicator with source "computed" names a key and a ``params``
JSON; ``manage.py indicators_compute`` stores one measurement per computed
indicator per period. See ``docs/computed-indicators.md``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext

KEY_RE = re.compile(r"^[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*$")
# Measurements stored by indicators_compute carry "computed:<key>" as their source.
SOURCE_PREFIX = "computed:"


class ComputedQueryError(Exception):
    """A registration or evaluation problem (unknown key, bad result)."""


@dataclass(frozen=True)
class ComputedQuery:
    key: str
    label: str
    description: str
    unit: str
    func: Callable[..., Decimal | None] = field(compare=False)

    def __post_init__(self):
        if not KEY_RE.match(self.key or ""):
            raise ComputedQueryError(f"computed query key {self.key!r} must look like '<app>.<name>'")
        if not callable(self.func):
            raise ComputedQueryError(f"computed query {self.key!r} needs a callable func")

    def evaluate(self, *, start: date, end: date, params: dict | None = None) -> Decimal | None:
        """Run the query for [start, end] and normalise the result to Decimal or None."""
        if end < start:
            raise ComputedQueryError(f"{self.key}: end {end} before start {start}")
        value = self.func(start=start, end=end, params=dict(params or {}))
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, (int, float, Decimal)):
            raise ComputedQueryError(f"{self.key} returned {type(value).__name__}, expected a number or None")
        try:
            result = Decimal(str(value)) if isinstance(value, float) else Decimal(value)
        except InvalidOperation as exc:  # pragma: no cover - Decimal(int) never fails
            raise ComputedQueryError(f"{self.key} returned a non-numeric value") from exc
        if not result.is_finite():
            raise ComputedQueryError(f"{self.key} returned a non-finite value")
        return result


_registry: dict[str, ComputedQuery] = {}


def register(query: ComputedQuery) -> ComputedQuery:
    """Add ``query``. Registering the same key twice with another function is an error
    (re-registering the identical function, e.g. on a second ready(), is allowed)."""
    existing = _registry.get(query.key)
    if existing is not None and existing.func is not query.func:
        raise ComputedQueryError(f"computed query {query.key!r} is already registered")
    _registry[query.key] = query
    return query


def unregister(key: str) -> None:
    """Remove a query (for tests)."""
    _registry.pop(key, None)


def get(key: str) -> ComputedQuery:
    try:
        return _registry[key]
    except KeyError as exc:
        raise ComputedQueryError(f"unknown computed query {key!r}") from exc


def all_queries() -> list[ComputedQuery]:
    return sorted(_registry.values(), key=lambda q: q.key)


def choices() -> list[tuple[str, str]]:
    return [(q.key, f"{q.label} ({q.key})") for q in all_queries()]


def _lower_first(text: str) -> str:
    """ "Aandeel acties" -> "aandeel acties"; "QRT-uren" stays as it is."""
    if len(text) > 1 and text[0].isupper() and text[1].islower():
        return text[0].lower() + text[1:]
    return text


def label_for(key: str) -> str:
    """The Dutch label of a registered query; the key itself when it is unknown
    (an indicator imported from another installation, a removed app)."""
    query = _registry.get(key)
    return str(query.label) if query is not None else key


def source_label(source: str) -> str:
    """What users read for the source of an indicator or a measurement:
    "computed:plan.actions_on_schedule_share" -> "Berekend: aandeel acties op schema".
    Any other source (typed by a user) is returned as it is."""
    if not source or not source.startswith(SOURCE_PREFIX):
        return source or ""
    key = source[len(SOURCE_PREFIX) :]
    query = _registry.get(key)
    if query is None:
        return gettext("Berekend (%(key)s)") % {"key": key}
    return gettext("Berekend: %(label)s") % {"label": _lower_first(str(query.label))}
