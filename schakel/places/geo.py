"""Coordinates: WGS84 <-> Belgian Lambert 2008 (EPSG:3812), distances, grid cells.

Distances are computed in Lambert 2008 metres: a conformal projection whose
scale error inside Belgium is well below 0.1 %, so the Euclidean distance
between two projected points is accurate to a few centimetres over 250 m.

The grid cell is the bounding-box prefilter for radius queries without
PostGIS: each address stores ``cell = ix * CELL_FACTOR + iy`` with
``ix = floor(x / GRID_M)`` and ``iy = floor(y / GRID_M)``; a query asks
for a few contiguous cell ranges (one per grid column) on that indexed
integer, then filters on the exact distance.
"""

from __future__ import annotations

import math
from functools import lru_cache

from pyproj import Transformer

GRID_M = 250
CELL_FACTOR = 100_000  # iy < 100 000 for any y < 25 000 km

# Belgium with a margin (WGS84); used to reject coordinates from broken files.
BELGIUM_LAT = (49.45, 51.55)
BELGIUM_LON = (2.5, 6.45)


@lru_cache(maxsize=1)
def _to_3812() -> Transformer:
    return Transformer.from_crs("EPSG:4326", "EPSG:3812", always_xy=True)


@lru_cache(maxsize=1)
def _from_3812() -> Transformer:
    return Transformer.from_crs("EPSG:3812", "EPSG:4326", always_xy=True)


def to_lambert(lat: float, lon: float) -> tuple[float, float]:
    """WGS84 latitude/longitude -> Lambert 2008 (x, y) in metres."""
    x, y = _to_3812().transform(float(lon), float(lat))
    return x, y


def to_wgs84(x: float, y: float) -> tuple[float, float]:
    """Lambert 2008 (x, y) -> WGS84 (lat, lon)."""
    lon, lat = _from_3812().transform(float(x), float(y))
    return lat, lon


def in_belgium(lat: float, lon: float) -> bool:
    return BELGIUM_LAT[0] <= lat <= BELGIUM_LAT[1] and BELGIUM_LON[0] <= lon <= BELGIUM_LON[1]


def _as_xy(p) -> tuple[float, float]:
    """Accept an object with Lambert ``x``/``y`` attributes (Address, Incident)
    or a ``(lat, lon)`` WGS84 tuple."""
    if hasattr(p, "x") and hasattr(p, "y") and p.x is not None:
        return float(p.x), float(p.y)
    lat, lon = p
    return to_lambert(lat, lon)


def distance_m(a, b) -> float:
    """Distance in metres between two points.

    Each point is either a ``(lat, lon)`` WGS84 tuple or an object with
    Lambert 2008 ``x`` and ``y`` attributes (such as an Address).
    """
    ax, ay = _as_xy(a)
    bx, by = _as_xy(b)
    return math.hypot(ax - bx, ay - by)


def cell_of(x: float, y: float) -> int:
    return int(math.floor(x / GRID_M)) * CELL_FACTOR + int(math.floor(y / GRID_M))


def cells_in_circle(x: float, y: float, radius_m: float) -> list[int]:
    """The grid cells that the disc of ``radius_m`` around (x, y) touches.

    Per grid column, the rows between the lowest and highest point of the
    disc inside that column: for R = 250 m at most 9 cells, often 7 or 8 (a
    corner cell farther than R from the centre is left out).
    """
    cells = []
    r2 = radius_m * radius_m
    for ix in range(math.floor((x - radius_m) / GRID_M), math.floor((x + radius_m) / GRID_M) + 1):
        left, right = ix * GRID_M, (ix + 1) * GRID_M
        dx = left - x if x < left else (x - right if x > right else 0.0)
        if dx * dx > r2:
            continue
        half = math.sqrt(r2 - dx * dx)
        for iy in range(math.floor((y - half) / GRID_M), math.floor((y + half) / GRID_M) + 1):
            cells.append(ix * CELL_FACTOR + iy)
    return cells


def cell_ranges(x: float, y: float, radius_m: float) -> list[tuple[int, int]]:
    """Contiguous cell-number ranges covering the square around (x, y)."""
    ix0, ix1 = math.floor((x - radius_m) / GRID_M), math.floor((x + radius_m) / GRID_M)
    iy0, iy1 = math.floor((y - radius_m) / GRID_M), math.floor((y + radius_m) / GRID_M)
    return [(ix * CELL_FACTOR + iy0, ix * CELL_FACTOR + iy1) for ix in range(ix0, ix1 + 1)]
