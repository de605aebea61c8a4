import math

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from schakel.core.testing import UserFactory
from schakel.places import geo, selectors, services
from schakel.places.testing import make_address, offset

CENTRE = (51.0280, 4.4800)  # Grote Markt area, Mechelen


def test_lambert_round_trip_and_known_distance():
    x, y = geo.to_lambert(*CENTRE)
    assert 600_000 < x < 700_000 and 650_000 < y < 750_000
    lat, lon = geo.to_wgs84(x, y)
    assert abs(lat - CENTRE[0]) < 1e-9 and abs(lon - CENTRE[1]) < 1e-9
    # 0.01 degree of latitude is about 1112 m
    d = geo.distance_m(CENTRE, (CENTRE[0] + 0.01, CENTRE[1]))
    assert 1105 < d < 1120


def test_cell_ranges_cover_the_circle():
    x, y = geo.to_lambert(*CENTRE)
    ranges = geo.cell_ranges(x, y, 250)
    for angle in range(0, 360, 15):
        px = x + 249.9 * math.cos(math.radians(angle))
        py = y + 249.9 * math.sin(math.radians(angle))
        c = geo.cell_of(px, py)
        assert any(lo <= c <= hi for lo, hi in ranges)


@pytest.mark.django_db
def test_addresses_within_exact_distance():
    inside = [
        make_address(lat=p[0], lon=p[1], number=str(i))
        for i, p in enumerate(
            [offset(*CENTRE, east_m=10), offset(*CENTRE, north_m=-249), offset(*CENTRE, east_m=170, north_m=170)]
        )
    ]
    # 177 m diagonal is inside; these are outside although inside the bbox / grid cells
    make_address(
        lat=offset(*CENTRE, east_m=200, north_m=200)[0], lon=offset(*CENTRE, east_m=200, north_m=200)[1], number="90"
    )
    make_address(lat=offset(*CENTRE, north_m=252)[0], lon=offset(*CENTRE, north_m=252)[1], number="91")
    make_address(lat=offset(*CENTRE, east_m=5000)[0], lon=offset(*CENTRE, east_m=5000)[1], number="92")
    found = list(selectors.addresses_within(lat=CENTRE[0], lon=CENTRE[1]))
    assert [a.pk for a in found] == [inside[0].pk, inside[2].pk, inside[1].pk]  # 10, 240, 249 m
    assert found[0].dist2 == pytest.approx(100, rel=0.01)
    # a larger radius includes the farther ones
    assert len(selectors.addresses_within(lat=CENTRE[0], lon=CENTRE[1], radius_m=300)) == 5


@pytest.mark.django_db
def test_streets_within_counts_per_street():
    for i in range(3):
        make_address(
            lat=offset(*CENTRE, east_m=20 * i)[0],
            lon=offset(*CENTRE, east_m=20 * i)[1],
            street="Astraat",
            number=str(i),
        )
    make_address(lat=CENTRE[0], lon=CENTRE[1], street="Bstraat")
    make_address(lat=offset(*CENTRE, east_m=900)[0], lon=offset(*CENTRE, east_m=900)[1], street="Cstraat")
    streets = selectors.streets_within(lat=CENTRE[0], lon=CENTRE[1])
    assert [(s.name, s.count) for s in streets] == [("Astraat", 3), ("Bstraat", 1)]


SQUARE = {
    "type": "Polygon",
    "coordinates": [[[4.47, 51.02], [4.49, 51.02], [4.49, 51.04], [4.47, 51.04], [4.47, 51.02]]],
}
SMALL = {
    "type": "Polygon",
    "coordinates": [[[4.479, 51.027], [4.481, 51.027], [4.481, 51.029], [4.479, 51.029], [4.479, 51.027]]],
}


@pytest.mark.django_db
def test_area_containing_prefers_smallest():
    admin = UserFactory(perms=["places.change_area"])
    big = services.area_save(actor=admin, code="centrum", name="Centrum", geometry=SQUARE)
    small = services.area_save(actor=admin, code="markt", name="Markt", geometry=SMALL, kind="zone")
    assert selectors.area_containing(lat=CENTRE[0], lon=CENTRE[1]) == small
    assert selectors.area_containing(lat=51.035, lon=4.475) == big
    assert selectors.area_containing(lat=51.10, lon=4.475) is None


@pytest.mark.django_db
@pytest.mark.parametrize(
    "bad",
    [
        "{not json",
        '{"type": "Point", "coordinates": [4.4, 51.0]}',
        # self-intersecting bow tie
        '{"type": "Polygon", "coordinates": [[[4.47,51.02],[4.49,51.04],[4.49,51.02],[4.47,51.04],[4.47,51.02]]]}',
        # Lambert metres instead of WGS84
        '{"type": "Polygon", "coordinates": [[[650000,690000],[651000,690000],[651000,691000],[650000,690000]]]}',
        '{"type": "Polygon", "coordinates": "x"}',
    ],
)
def test_area_bad_geojson_is_refused(bad):
    from schakel.places.models import Area

    admin = UserFactory(perms=["places.change_area"])
    with pytest.raises(ValidationError):
        services.area_save(actor=admin, code="x", name="X", geometry=bad)
    assert Area.objects.count() == 0


@pytest.mark.django_db
def test_area_save_forbidden_without_permission():
    with pytest.raises(PermissionDenied):
        services.area_save(actor=UserFactory(), code="x", name="X", geometry=SQUARE)


@pytest.mark.django_db
def test_areas_import_geojson_all_or_nothing():
    from schakel.places.models import Area

    admin = UserFactory(perms=["places.change_area"])
    fc = {
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature", "properties": {"name": "Een"}, "geometry": SQUARE},
            {"type": "Feature", "properties": {"name": "Twee"}, "geometry": {"type": "Polygon", "coordinates": []}},
        ],
    }
    with pytest.raises(ValidationError):
        services.areas_import_geojson(actor=admin, data=fc)
    assert Area.objects.count() == 0
    fc["features"][1]["geometry"] = SMALL
    assert len(services.areas_import_geojson(actor=admin, data=fc)) == 2


@pytest.mark.django_db
def test_address_search_street_and_number():
    for n in ["1", "2", "10", "12", "3"]:
        make_address(lat=CENTRE[0], lon=CENTRE[1], street="Bethaniënstraat", number=n)
    make_address(lat=CENTRE[0], lon=CENTRE[1], street="Befferstraat", number="1")
    assert [a.house_number for a in selectors.address_search(query="bethan")] == ["1", "2", "3", "10", "12"]
    assert [a.house_number for a in selectors.address_search(query="Bethaniënstraat 1")] == ["1", "10", "12"]
    assert len(selectors.address_search(query="be", limit=3)) == 3
    assert selectors.address_search(query="x") == []
    assert selectors.address_search(query="Onbestaand 5") == []
