"""Retired addresses (kept, flagged, left out of circles and search) and the
radius query against a brute-force and a shapely STRtree answer."""

import math
import random

import numpy as np
import pytest
import shapely
from django.template.loader import render_to_string

from schakel.places import geo, selectors
from schakel.places.importer import import_addresses
from schakel.places.models import Address, Municipality, Street
from schakel.places.tests.test_import import row, write

CENTRE = (51.0280, 4.4800)


def _ids(qs):
    return sorted(a.address_id for a in qs)


@pytest.mark.django_db
def test_reimport_flags_retired_keeps_row_and_hides_it(tmp_path):
    rows = [row(n, **{"EPSG:4326_lat": f"{CENTRE[0]:.7f}", "EPSG:4326_lon": f"{CENTRE[1]:.7f}"}) for n in range(1, 6)]
    r1 = import_addresses(write(tmp_path, rows))
    assert (r1.created, r1.retired) == (5, 0)
    gone = Address.objects.get(address_id="https://example.test/adres/2")
    assert not gone.is_retired and gone.status == "current"
    assert len(selectors.addresses_within(lat=CENTRE[0], lon=CENTRE[1])) == 5

    rows[1]["status"] = "retired"  # an address the register retired
    rows.append(row(99, status="retired"))  # a retired address never seen: not inserted
    r2 = import_addresses(write(tmp_path, rows, "v2.csv"))
    assert (r2.created, r2.updated, r2.unchanged, r2.retired, r2.skipped_status) == (0, 0, 4, 1, 1)
    gone.refresh_from_db()
    assert gone.is_retired and gone.status == "retired" and gone.retired_at is not None
    assert not Address.objects.filter(address_id="https://example.test/adres/99").exists()
    # left out of circles, street counts and autocomplete; still reachable by pk
    assert gone.pk not in [a.pk for a in selectors.addresses_within(lat=CENTRE[0], lon=CENTRE[1])]
    assert len(selectors.addresses_within(lat=CENTRE[0], lon=CENTRE[1])) == 4
    assert sum(s.count for s in selectors.streets_within(lat=CENTRE[0], lon=CENTRE[1])) == 4
    assert "2" not in [a.house_number for a in selectors.address_search(query="Straat 2")]
    assert selectors.address_resolve(label=gone.label) is None
    assert selectors.address_get(pk=gone.pk) == gone

    # the same file again: nothing changes, the retirement date stays
    when = gone.retired_at
    r3 = import_addresses(write(tmp_path, rows, "v3.csv"))
    assert (r3.created, r3.updated, r3.unchanged, r3.retired) == (0, 0, 4, 0)
    gone.refresh_from_db()
    assert gone.retired_at == when

    # the register lists it as current again: un-flagged
    rows[1]["status"] = "current"
    r4 = import_addresses(write(tmp_path, rows, "v4.csv"))
    assert (r4.created, r4.updated, r4.unchanged) == (0, 1, 4)
    gone.refresh_from_db()
    assert not gone.is_retired and gone.status == "current"
    assert len(selectors.addresses_within(lat=CENTRE[0], lon=CENTRE[1])) == 5


@pytest.mark.django_db
def test_retired_only_within_the_chosen_municipality(tmp_path):
    rows = [row(1), row(2, municipality_id="11002")]
    import_addresses(write(tmp_path, rows))
    rows[1]["status"] = "retired"
    r = import_addresses(write(tmp_path, rows, "v2.csv"), municipality="12025")
    assert r.retired == 0 and r.skipped_municipality == 1
    assert not Address.objects.get(address_id="https://example.test/adres/2").is_retired


@pytest.mark.django_db
def test_retired_flag_template(tmp_path):
    import_addresses(write(tmp_path, [row(1)]))
    address = Address.objects.get()
    assert "adres opgeheven" not in render_to_string("places/address_retired_flag.html", {"address": address})
    assert render_to_string("places/address_retired_flag.html", {"address": None}).strip() == ""
    import_addresses(write(tmp_path, [row(1, status="retired")], "v2.csv"))
    address.refresh_from_db()
    html = render_to_string("places/address_retired_flag.html", {"address": address})
    assert "adres opgeheven" in html and "retired" in html


def test_cells_in_circle_cover_exactly_the_touched_cells():
    rng = random.Random(3)
    for _ in range(200):
        x, y = rng.uniform(600_000, 700_000), rng.uniform(650_000, 750_000)
        r = rng.choice([50, 250, 251, 600])
        cells = set(geo.cells_in_circle(x, y, r))
        assert len(cells) == len(geo.cells_in_circle(x, y, r))  # no duplicates
        # every point of the disc lies in a listed cell
        for _ in range(200):
            a, d = rng.uniform(0, 2 * math.pi), r * math.sqrt(rng.random())
            assert geo.cell_of(x + d * math.cos(a), y + d * math.sin(a)) in cells
        # and every listed cell touches the disc (no wasted lookups)
        for c in cells:
            ix, iy = divmod(c, geo.CELL_FACTOR)
            nx = min(max(x, ix * geo.GRID_M), (ix + 1) * geo.GRID_M)
            ny = min(max(y, iy * geo.GRID_M), (iy + 1) * geo.GRID_M)
            assert (nx - x) ** 2 + (ny - y) ** 2 <= r * r
    assert len(geo.cells_in_circle(625_125, 700_125, 250)) <= 9


@pytest.mark.django_db
def test_radius_query_equals_brute_force_and_strtree():
    """2 000 addresses scattered over 2 x 2 km with a dense core; 60 random
    circles of 100-600 m: the SQL answer (ids and order) equals a brute-force
    distance test and the shapely STRtree answer on the same points."""
    rng = random.Random(11)
    muni = Municipality.objects.create(nis_code="12025", name_nl="Mechelen")
    street = Street.objects.create(street_id="t:s", municipality=muni, name_nl="Teststraat")
    cx, cy = geo.to_lambert(*CENTRE)
    pts = []
    for i in range(2000):
        if i % 3:
            x, y = cx + rng.uniform(-1000, 1000), cy + rng.uniform(-1000, 1000)
        else:
            x, y = cx + rng.gauss(0, 150), cy + rng.gauss(0, 150)
        pts.append((round(x, 2), round(y, 2)))
    retired = set(rng.sample(range(2000), 40))
    Address.objects.bulk_create(
        [
            Address(
                address_id=f"t:{i}",
                street=street,
                municipality=muni,
                house_number=str(i),
                lat=0,
                lon=0,
                x=x,
                y=y,
                cell=geo.cell_of(x, y),
                status="retired" if i in retired else "current",
                retired_at=geo_now() if i in retired else None,
            )
            for i, (x, y) in enumerate(pts)
        ]
    )
    pk_of = dict(Address.objects.values_list("address_id", "pk"))
    live = [i for i in range(2000) if i not in retired]
    tree = shapely.STRtree(shapely.points(np.array([pts[i] for i in live])))
    for _ in range(60):
        qx, qy = cx + rng.uniform(-1100, 1100), cy + rng.uniform(-1100, 1100)
        radius = rng.choice([100, 250, 250, 600])
        got = list(selectors.addresses_within_xy(x=qx, y=qy, radius_m=radius).values_list("pk", "dist2"))
        brute = sorted(
            ((pts[i][0] - qx) ** 2 + (pts[i][1] - qy) ** 2, pk_of[f"t:{i}"])
            for i in live
            if (pts[i][0] - qx) ** 2 + (pts[i][1] - qy) ** 2 <= radius**2
        )
        assert [pk for pk, _ in got] == [pk for _, pk in brute]
        assert [d for _, d in got] == pytest.approx([d for d, _ in brute])
        hits = tree.query(shapely.Point(qx, qy), predicate="dwithin", distance=radius)
        assert sorted(pk for pk, _ in got) == sorted(pk_of[f"t:{live[j]}"] for j in hits)


def geo_now():
    from django.utils import timezone

    return timezone.now()


def _address_indexes():
    from django.db import connection

    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, Address._meta.db_table)
    return {name for name, c in constraints.items() if c["index"] and not c["primary_key"]}


@pytest.mark.django_db
def test_first_import_builds_the_indexes_at_the_end_and_an_interrupted_one_keeps_them(tmp_path):
    before = _address_indexes()
    assert {"places_addr_circle", "places_addr_street_nr"} <= before
    path = write(tmp_path, [row(n) for n in range(1, 40)])

    def interrupt(result, line):
        if result.read >= 20:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        import_addresses(path, batch_size=10, progress=interrupt)
    assert _address_indexes() == before and Address.objects.count() == 0
    assert import_addresses(path, batch_size=10).created == 39
    assert _address_indexes() == before
    # the radius query still finds them through the rebuilt index
    a = Address.objects.get(address_id="https://example.test/adres/7")
    assert a.pk in [b.pk for b in selectors.addresses_within_xy(x=a.x, y=a.y, radius_m=1)]
