"""Reads of addresses, streets and areas; other apps call these.

Stable API (other apps code against these names):
- ``addresses_within(*, lat, lon, radius_m=250)``
- ``area_containing(*, lat, lon)``
- ``address_search(*, query, limit=10)``

Addresses and areas are public reference data (the BeST register is open
data), so these selectors take no user; pages that show them check their own
permission.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.db.models import Count, FloatField, Q, QuerySet
from django.db.models.expressions import RawSQL

from . import geo
from .models import Address, Area, Street

# The squared distance as plain standard SQL (same on SQLite and PostgreSQL):
# resolving the equivalent F() expression tree cost ~0.4 ms per query, a tenth
# of the radius query's budget. Columns are qualified (joins may follow).
_COL_X = f'"{Address._meta.db_table}"."x"'
_COL_Y = f'"{Address._meta.db_table}"."y"'
_DIST2_SQL = f"({_COL_X} - %s) * ({_COL_X} - %s) + ({_COL_Y} - %s) * ({_COL_Y} - %s)"


def addresses_within_xy(*, x: float, y: float, radius_m: float = 250) -> QuerySet[Address]:
    """Current addresses within ``radius_m`` metres of Lambert 2008 point
    (x, y), nearest first, annotated with ``dist2`` (squared distance in m²).

    ``cell IN (the cells the circle touches)`` plus the exact distance and the
    retired filter are all answered from the covering index
    ``places_addr_circle`` (ADR 0201); retired addresses are left out."""
    x, y = float(x), float(y)
    return (
        Address.objects.filter(cell__in=geo.cells_in_circle(x, y, radius_m), retired_at__isnull=True)
        .annotate(dist2=RawSQL(_DIST2_SQL, (x, x, y, y), output_field=FloatField()))  # noqa: S611 (constant SQL)
        .filter(dist2__lte=float(radius_m) ** 2)
        .select_related("street", "municipality")
        .order_by("dist2", "pk")
    )


def addresses_within(*, lat: float, lon: float, radius_m: float = 250) -> QuerySet[Address]:
    """Addresses within ``radius_m`` metres (exact, Lambert 2008) of a WGS84
    point, nearest first. Each row has ``dist2``; use ``distance_m`` for metres."""
    x, y = geo.to_lambert(lat, lon)
    return addresses_within_xy(x=x, y=y, radius_m=radius_m)


@dataclass(frozen=True)
class StreetCount:
    street_id: int
    name: str
    postcode: str
    count: int


def streets_within(*, lat: float, lon: float, radius_m: float = 250) -> list[StreetCount]:
    """Streets with at least one address within the radius, with the number of
    addresses hit per street, most hit first."""
    rows = (
        addresses_within(lat=lat, lon=lon, radius_m=radius_m)
        .order_by()
        .values("street_id", "street__name_nl", "postcode")
        .annotate(n=Count("pk"))
        .order_by("-n", "street__name_nl")
    )
    merged: dict[int, StreetCount] = {}
    for r in rows:
        prev = merged.get(r["street_id"])
        n = r["n"] + (prev.count if prev else 0)
        merged[r["street_id"]] = StreetCount(r["street_id"], r["street__name_nl"], r["postcode"], n)
    return sorted(merged.values(), key=lambda s: (-s.count, s.name))


def area_containing(*, lat: float, lon: float) -> Area | None:
    """The smallest area whose polygon contains the point, or None."""
    from shapely.geometry import Point, shape

    candidates = Area.objects.filter(min_lat__lte=lat, max_lat__gte=lat, min_lon__lte=lon, max_lon__gte=lon)
    point = Point(lon, lat)
    hits = []
    for area in candidates:
        poly = shape(area.geometry)
        if poly.covers(point):
            hits.append((poly.area, area.code, area))
    hits.sort(key=lambda h: (h[0], h[1]))
    return hits[0][2] if hits else None


def areas_all() -> QuerySet[Area]:
    return Area.objects.order_by("name")


_NUMBER_RE = re.compile(r"^(?P<street>.*?)[\s,]+(?P<number>\d+[A-Za-z]?)(?:\s*(?:bus|b)\s*(?P<box>\S+))?\s*$")


def address_search(*, query: str, limit: int = 10) -> list[Address]:
    """Autocomplete on "street [number [bus box]]": prefix match on the street
    name (Dutch, French or German), then on the house number. Retired
    addresses are not offered."""
    query = " ".join((query or "").split())[:120]
    if len(query) < 2:
        return []
    street_part, number = query, ""
    m = _NUMBER_RE.match(query)
    if m and m.group("street"):
        street_part, number = m.group("street").strip(), m.group("number")
    streets = Street.objects.filter(
        Q(name_nl__istartswith=street_part) | Q(name_fr__istartswith=street_part) | Q(name_de__istartswith=street_part)
    )
    qs = Address.objects.filter(street__in=streets, retired_at__isnull=True).select_related("street", "municipality")
    if number:
        qs = qs.filter(house_number__istartswith=number)
    rows = list(qs.order_by("street__name_nl", "postcode", "house_number", "box_number")[: limit * 5])
    rows.sort(key=lambda a: (a.street.name_nl, a.postcode, _num_key(a.house_number), a.box_number))
    return rows[:limit]


def _num_key(number: str) -> tuple[int, str]:
    digits = re.match(r"\d+", number or "")
    return (int(digits.group()) if digits else 0, number or "")


def address_get(*, pk: int) -> Address:
    from django.shortcuts import get_object_or_404

    return get_object_or_404(Address.objects.select_related("street", "municipality"), pk=pk)


def address_resolve(*, label: str) -> Address | None:
    """The address whose label ("Street 12 bus 1, 2800") matches the text typed
    or picked in an autocomplete field; None if no single address matches."""
    label = " ".join((label or "").split())
    if not label:
        return None
    street_part = label.split(",", 1)[0]
    candidates = address_search(query=street_part, limit=50)
    exact = [a for a in candidates if a.label.lower() == label.lower()]
    if len(exact) == 1:
        return exact[0]
    exact = [a for a in candidates if a.label.split(",")[0].lower() == street_part.lower()]
    return exact[0] if len(exact) == 1 else None
