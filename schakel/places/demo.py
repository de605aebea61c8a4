"""A fictitious Mechelen address file in the BeST flat CSV format.

Nothing here is real: the streets are invented (except the four street names of
the 2023 incidents that the seed plan names, which the demo must show), and
every position is made up. Every id lives under ``https://demo.schakel.test/``
and the import marks the rows ``is_demo``.
"""

from __future__ import annotations

import csv
import gzip
import io
import math
import random
from pathlib import Path

from . import geo
from .importer import HEADER

CENTRE = (51.0280, 4.4800)  # roughly the Grote Markt; the layout around it is invented
NIS = "12025"
DEMO_BASE = "https://demo.schakel.test"

# Invented street names (no claim that they exist in Mechelen).
INVENTED = [
    "Lindenlaan",
    "Kastanjestraat",
    "Beukenhof",
    "Wilgendreef",
    "Esdoornstraat",
    "Vlierstraat",
    "Hazelaarweg",
    "Populierenplein",
    "Eikendreef",
    "Berkenlaan",
    "Meidoornstraat",
    "Lijsterbesweg",
    "Klaproosstraat",
    "Korenbloemlaan",
    "Zonnebloemstraat",
    "Madeliefjesweg",
    "Boterbloemstraat",
    "Vlasgaardstraat",
    "Molenwiekstraat",
    "Schipperskaai-Demo",
    "Ketelmakersstraat",
    "Touwslagersweg",
    "Glasblazersstraat",
    "Kuipersgang",
    "Pottenbakkershof",
    "Weversplein",
    "Ververijstraat",
    "Brouwersdreef",
    "Smidsestraat",
    "Zeepziedersweg",
    "Kaarsenmakersstraat",
    "Zadelmakersstraat",
]
# The four street names of the seed's incidents; positions here are FICTITIOUS.
INCIDENT_STREETS = ["Bethaniënstraat", "Kalverenstraat", "Jeanne Hellemansstraat", "Zwartzustersberg"]
# (east, north) metres from CENTRE for the middle of each incident street.
INCIDENT_OFFSETS = [(-180, 120), (60, 260), (520, -340), (-620, -420)]


def _street_layout(rng: random.Random):
    """(name, mid_east, mid_north, angle, length, numbers) for each street."""
    streets = []
    for name, (e, n) in zip(INCIDENT_STREETS, INCIDENT_OFFSETS, strict=True):
        streets.append((name, e, n, rng.uniform(0, math.pi), rng.uniform(180, 320), rng.randint(30, 70)))
    for name in INVENTED:
        r = rng.uniform(150, 1400)
        a = rng.uniform(0, 2 * math.pi)
        streets.append(
            (
                name,
                r * math.cos(a),
                r * math.sin(a),
                rng.uniform(0, math.pi),
                rng.uniform(150, 450),
                rng.randint(25, 90),
            )
        )
    return streets


def demo_rows(seed: int = 2023):
    """Yield BeST rows (dicts keyed by HEADER) for the fictitious demo register."""
    rng = random.Random(seed)
    cx, cy = geo.to_lambert(*CENTRE)
    for s_index, (name, e, n, angle, length, count) in enumerate(_street_layout(rng), start=1):
        street_id = f"{DEMO_BASE}/straat/{s_index}"
        for k in range(count):
            t = (k // 2) / max(count // 2, 1) - 0.5
            side = 1 if k % 2 == 0 else -1
            x = cx + e + t * length * math.cos(angle) - side * 9 * math.sin(angle)
            y = cy + n + t * length * math.sin(angle) + side * 9 * math.cos(angle)
            lat, lon = geo.to_wgs84(x, y)
            number = str(k + 1)
            boxes = [""] if rng.random() > 0.08 else ["1", "2", "3"]
            for box in boxes:
                aid = f"{DEMO_BASE}/adres/{s_index}-{number}" + (f"-{box}" if box else "")
                yield {
                    "EPSG:31370_x": "",
                    "EPSG:31370_y": "",
                    "EPSG:4326_lat": f"{lat:.7f}",
                    "EPSG:4326_lon": f"{lon:.7f}",
                    "address_id": aid,
                    "box_number": box,
                    "house_number": number,
                    "municipality_id": NIS,
                    "municipality_name_de": "Mecheln",
                    "municipality_name_fr": "Malines",
                    "municipality_name_nl": "Mechelen",
                    "postcode": "2800",
                    "postname_fr": "Malines",
                    "postname_nl": "Mechelen",
                    "street_id": street_id,
                    "streetname_de": "",
                    "streetname_fr": "",
                    "streetname_nl": name,
                    "region_code": "BE-VLG",
                    "status": "current",
                }


def write_csv(rows, fh) -> int:
    writer = csv.DictWriter(fh, fieldnames=HEADER, lineterminator="\n")
    writer.writeheader()
    n = 0
    for row in rows:
        writer.writerow(row)
        n += 1
    return n


def write_demo_file(path: Path) -> int:
    path.parent.mkdir(parents=True, exist_ok=True)
    with gzip.open(path, "wb") as gz, io.TextIOWrapper(gz, encoding="utf-8", newline="") as fh:
        return write_csv(demo_rows(), fh)


def demo_areas_geojson() -> dict:
    """Four fictitious districts (quadrants of a 3 x 3 km square around CENTRE)
    and one custom zone; names invented and marked as demo."""
    cx, cy = geo.to_lambert(*CENTRE)
    half = 1500

    def ring(x0, y0, x1, y1):
        pts = [(x0, y0), (x1, y0), (x1, y1), (x0, y1), (x0, y0)]
        return [[round(lon, 6), round(lat, 6)] for lat, lon in (geo.to_wgs84(x, y) for x, y in pts)]

    quads = [
        ("demo-noordwest", "Demo-wijk Noordwest", (cx - half, cy, cx, cy + half)),
        ("demo-noordoost", "Demo-wijk Noordoost", (cx, cy, cx + half, cy + half)),
        ("demo-zuidwest", "Demo-wijk Zuidwest", (cx - half, cy - half, cx, cy)),
        ("demo-zuidoost", "Demo-wijk Zuidoost", (cx, cy - half, cx + half, cy)),
    ]
    features = [
        {
            "type": "Feature",
            "properties": {"code": code, "name": name},
            "geometry": {"type": "Polygon", "coordinates": [ring(*box)]},
        }
        for code, name, box in quads
    ]
    return {"type": "FeatureCollection", "features": features}


def demo_zone_geojson() -> dict:
    cx, cy = geo.to_lambert(*CENTRE)
    pts = [(cx - 450, cy - 50), (cx + 250, cy - 50), (cx + 250, cy + 450), (cx - 450, cy + 450), (cx - 450, cy - 50)]
    ring = [[round(lon, 6), round(lat, 6)] for lat, lon in (geo.to_wgs84(x, y) for x, y in pts)]
    return {
        "type": "Feature",
        "properties": {"code": "demo-zone-qrt", "name": "Demo-zone QRT-werkgebied"},
        "geometry": {"type": "Polygon", "coordinates": [ring]},
    }
