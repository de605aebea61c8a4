"""Generate a synthetic BeST address file (BOSA flat CSV, gzip) for benchmarks.

    python bench/places/gen_best.py 3500000 /tmp/best-flanders.csv.gz

Points are clustered like real addresses: towns placed at random in a
Flanders-sized box (Lambert 2008), addresses normally distributed around them,
plus a share of scattered rural addresses; about 40 addresses per street.
Town sizes are heavy-tailed (Pareto); a town spreads wider as it grows, so that
the density at its core stays at most ``MAX_DENSITY_KM2`` addresses per km²
(see below), as in real cities.
Every id is under https://bench.schakel.test/ — nothing here is real.
"""

from __future__ import annotations

import csv
import gzip
import io
import sys
import time

import numpy as np
from pyproj import Transformer

HEADER = [
    "EPSG:31370_x",
    "EPSG:31370_y",
    "EPSG:4326_lat",
    "EPSG:4326_lon",
    "address_id",
    "box_number",
    "house_number",
    "municipality_id",
    "municipality_name_de",
    "municipality_name_fr",
    "municipality_name_nl",
    "postcode",
    "postname_fr",
    "postname_nl",
    "street_id",
    "streetname_de",
    "streetname_fr",
    "streetname_nl",
    "region_code",
    "status",
]
# Lambert 2008 box roughly covering Flanders / Belgium
BOXES = {"flanders": (545_000, 655_000, 790_000, 720_000), "belgium": (545_000, 525_000, 790_000, 720_000)}
# Peak address density of a town core. BeST counts every box number (flat) as
# an address; a rough estimate (not taken from the register) for the densest
# Brussels quarters is 15-20 k such addresses per km², i.e. some 3-4 k in a
# 250 m circle. Without this cap the densest synthetic circles reached
# ~70-90 k/km² (up to 18 k addresses in one 250 m circle, p95 11 k).
MAX_DENSITY_KM2 = 20_000


def points(n: int, box, seed: int = 42):
    rng = np.random.default_rng(seed)
    x0, y0, x1, y1 = box
    towns = max(50, n // 12_000)
    cx = rng.uniform(x0, x1, towns)
    cy = rng.uniform(y0, y1, towns)
    sizes = rng.pareto(1.2, towns) + 1
    sizes = sizes / sizes.sum()
    n_urban = int(n * 0.8)
    which = rng.choice(towns, n_urban, p=sizes)
    # a 2-D normal of n addresses peaks at n / (2 pi sigma^2) per m²
    sigma = np.maximum(1200.0, np.sqrt(n_urban * sizes / (2 * np.pi * MAX_DENSITY_KM2 / 1e6)))
    xs = np.concatenate([cx[which] + rng.normal(0, 1, n_urban) * sigma[which], rng.uniform(x0, x1, n - n_urban)])
    ys = np.concatenate([cy[which] + rng.normal(0, 1, n_urban) * sigma[which], rng.uniform(y0, y1, n - n_urban)])
    return np.clip(xs, x0, x1), np.clip(ys, y0, y1)


def generate(n: int, path: str, scale: str = "flanders", chunk: int = 200_000) -> None:
    xs, ys = points(n, BOXES[scale])
    to_wgs = Transformer.from_crs("EPSG:3812", "EPSG:4326", always_xy=True)
    started = time.monotonic()
    with gzip.open(path, "wb", compresslevel=3) as gz, io.TextIOWrapper(gz, encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(HEADER)
        for start in range(0, n, chunk):
            end = min(n, start + chunk)
            lons, lats = to_wgs.transform(xs[start:end], ys[start:end])
            for i in range(start, end):
                street = i // 40
                muni = 10000 + street % 581
                w.writerow(
                    [
                        "",
                        "",
                        f"{lats[i - start]:.7f}",
                        f"{lons[i - start]:.7f}",
                        f"https://bench.schakel.test/adres/{i}",
                        "",
                        str(i % 40 + 1),
                        str(muni),
                        "",
                        "",
                        f"Gemeente {muni}",
                        str(1000 + muni % 9000),
                        "",
                        f"Post {muni}",
                        f"https://bench.schakel.test/straat/{street}",
                        "",
                        "",
                        f"Straat {street}",
                        "BE-VLG",
                        "current" if i % 50 else "retired",
                    ]
                )
            print(f"\r{end:,} / {n:,} rows", end="", file=sys.stderr)
    print(f"\nwrote {path} in {time.monotonic() - started:.1f} s", file=sys.stderr)


if __name__ == "__main__":
    generate(int(sys.argv[1]), sys.argv[2], sys.argv[3] if len(sys.argv) > 3 else "flanders")
