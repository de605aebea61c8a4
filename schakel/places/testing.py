"""Test helpers for addresses (also used by other apps' tests)."""

from __future__ import annotations

import itertools

from . import geo
from .models import Address, Municipality, Street

_seq = itertools.count(1)


def make_address(*, lat: float, lon: float, street: str = "Teststraat", number: str = "1", box: str = "") -> Address:
    muni, _ = Municipality.objects.get_or_create(nis_code="12025", defaults={"name_nl": "Mechelen"})
    st, _ = Street.objects.get_or_create(street_id=f"test:{street}", defaults={"municipality": muni, "name_nl": street})
    x, y = geo.to_lambert(lat, lon)
    return Address.objects.create(
        address_id=f"test:{next(_seq)}",
        street=st,
        municipality=muni,
        house_number=number,
        box_number=box,
        postcode="2800",
        lat=lat,
        lon=lon,
        x=x,
        y=y,
        cell=geo.cell_of(x, y),
    )


def offset(lat: float, lon: float, *, east_m: float = 0, north_m: float = 0) -> tuple[float, float]:
    """The WGS84 point east_m / north_m metres from (lat, lon), via Lambert 2008."""
    x, y = geo.to_lambert(lat, lon)
    return geo.to_wgs84(x + east_m, y + north_m)
