"""Streaming import of the BeST address register (BOSA flat CSV).

Design (see docs/adr/0200-places-address-import.md):
- The file is read row by row (plain, .gz or .zip) and written in batches,
  so memory stays constant in the number of addresses; only the
  street-id -> pk and municipality caches grow (with the number of streets).
- The whole import runs in ONE database transaction: a file-level error
  (wrong header, broken encoding, truncated archive, too many rejected rows)
  or an interruption leaves the database exactly as it was, and the command can
  simply be run again. Single bad rows (coordinates outside Belgium, missing
  fields) are rejected with their line number; the rest is imported.
- Upsert on ``address_id``: each batch first reads the stored rows of its ids
  and writes only new or changed ones, so a re-import changes only what changed.
"""

from __future__ import annotations

import csv
import gzip
import io
import math
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from pyproj import Transformer

from . import geo
from .models import Address, Municipality, Street

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
BATCH_SIZE = 5000
DEFAULT_MAX_REJECTED = 1000
FIELDS = (
    "street_id",
    "municipality_id",
    "house_number",
    "box_number",
    "postcode",
    "postname_nl",
    "lat",
    "lon",
    "x",
    "y",
    "cell",
    "is_demo",
)


class ImportFailed(Exception):
    """The file as a whole cannot be imported; nothing was saved."""


@dataclass
class ImportResult:
    read: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped_status: int = 0
    skipped_municipality: int = 0
    rejected: list[tuple[int, str]] = field(default_factory=list)

    @property
    def rejected_count(self) -> int:
        return self._rejected_total

    _rejected_total: int = 0

    def reject(self, line: int, reason: str, keep: int = 200) -> None:
        self._rejected_total += 1
        if len(self.rejected) < keep:
            self.rejected.append((line, reason))


def _open_text(path: Path) -> io.TextIOWrapper:
    """Yield a text stream of the CSV inside ``path`` (plain, gzip or zip)."""
    with path.open("rb") as raw:
        magic = raw.read(4)
    try:
        if magic[:2] == b"\x1f\x8b":
            binary = gzip.open(path, "rb")  # noqa: SIM115 - closed by the TextIOWrapper
        elif magic == b"PK\x03\x04":
            archive = zipfile.ZipFile(path)
            members = [m for m in archive.namelist() if m.lower().endswith(".csv")]
            if len(members) != 1:
                raise ImportFailed(_("Het zip-bestand moet precies één .csv-bestand bevatten."))
            binary = archive.open(members[0])
        else:
            binary = path.open("rb")
    except zipfile.BadZipFile as exc:
        raise ImportFailed(_("Het zip-bestand is beschadigd of onvolledig (%(err)s).") % {"err": exc}) from exc
    return io.TextIOWrapper(binary, encoding="utf-8-sig", newline="")


_from_31370 = None


def _lambert72_to_wgs84(x: float, y: float) -> tuple[float, float]:
    global _from_31370
    if _from_31370 is None:
        _from_31370 = Transformer.from_crs("EPSG:31370", "EPSG:4326", always_xy=True)
    lon, lat = _from_31370.transform(x, y)
    return lat, lon


def _float(value: str) -> float | None:
    try:
        f = float(value)
    except (TypeError, ValueError):
        return None
    return f if math.isfinite(f) else None


def _nis(value: str) -> str:
    """'12025' or 'https://data.vlaanderen.be/id/gemeente/12025' -> '12025'."""
    return value.rstrip("/").rsplit("/", 1)[-1].strip()


def _fixed_chunks(items: list, sizes: tuple[int, ...]):
    """Split ``items`` into chunks whose lengths come from ``sizes`` only.

    Every distinct chunk length is a distinct SQL text, and the database
    drivers cache a compiled statement per text (sqlite3: 128, psycopg: 100);
    with thousands of parameters each, arbitrary lengths made the import's
    memory grow to ~570 MB. A handful of fixed lengths keeps it flat.
    """
    i = 0
    for size in sizes:
        while len(items) - i >= size:
            yield items[i : i + size]
            i += size


class _Caches:
    def __init__(self):
        self.municipalities: dict[str, int] = dict(Municipality.objects.values_list("nis_code", "pk"))
        self.streets: dict[str, int] = {}

    def municipality(self, nis: str, row: dict) -> int:
        pk = self.municipalities.get(nis)
        if pk is None:
            muni, _ = Municipality.objects.update_or_create(
                nis_code=nis,
                defaults={
                    "name_nl": row["municipality_name_nl"][:120],
                    "name_fr": row["municipality_name_fr"][:120],
                    "name_de": row["municipality_name_de"][:120],
                },
            )
            pk = self.municipalities[nis] = muni.pk
        return pk

    def resolve_streets(self, rows: list[dict]) -> None:
        wanted = {r["street_id"]: r for r in rows if r["street_id"] not in self.streets}
        if not wanted:
            return
        for chunk in _fixed_chunks(list(wanted), ID_CHUNKS):
            self.streets.update(Street.objects.filter(street_id__in=chunk).values_list("street_id", "pk"))
        new = [
            Street(
                street_id=sid,
                municipality_id=r["municipality_pk"],
                name_nl=r["streetname_nl"][:200],
                name_fr=r["streetname_fr"][:200],
                name_de=r["streetname_de"][:200],
            )
            for sid, r in wanted.items()
            if sid not in self.streets
        ]
        if new:
            for chunk in _fixed_chunks(new, ID_CHUNKS):
                Street.objects.bulk_create(chunk)
            for chunk in _fixed_chunks([s.street_id for s in new], ID_CHUNKS):
                self.streets.update(Street.objects.filter(street_id__in=chunk).values_list("street_id", "pk"))


def _flush(batch: list[dict], caches: _Caches, result: ImportResult, is_demo: bool) -> None:
    caches.resolve_streets(batch)
    lats = [r["lat"] for r in batch]
    lons = [r["lon"] for r in batch]
    xs, ys = geo._to_3812().transform(lons, lats)
    incoming: dict[str, tuple] = {}
    for r, x, y in zip(batch, xs, ys, strict=True):
        x, y = round(x, 2), round(y, 2)
        incoming[r["address_id"]] = (
            caches.streets[r["street_id"]],
            r["municipality_pk"],
            r["house_number"][:20],
            r["box_number"][:40],
            r["postcode"][:10],
            r["postname_nl"][:120],
            round(r["lat"], 7),
            round(r["lon"], 7),
            x,
            y,
            geo.cell_of(x, y),
            is_demo,
        )
    existing: dict[str, tuple] = {}
    for chunk in _fixed_chunks(list(incoming), ID_CHUNKS):
        for row in Address.objects.filter(address_id__in=chunk).values_list("address_id", *FIELDS):
            existing[row[0]] = tuple(row[1:])
    to_write = []
    for aid, values in incoming.items():
        old = existing.get(aid)
        if old is None:
            result.created += 1
        elif old == values:
            result.unchanged += 1
            continue
        else:
            result.updated += 1
        to_write.append((aid, *values))
    _upsert(to_write)


# rows per statement: 500 x 14 parameters stays under SQLite's variable limit
UPSERT_CHUNKS = (500, 50, 5, 1)
ID_CHUNKS = (900, 90, 9, 1)


def _upsert(rows: list[tuple]) -> None:
    """Multi-row INSERT ... ON CONFLICT (address_id) DO UPDATE.

    The same standard statement runs on SQLite (>= 3.24) and PostgreSQL; it
    replaces ``bulk_create(update_conflicts=True)``, whose per-value Python
    overhead made the import four times slower (see docs/bench-places.md).
    """
    if not rows:
        return
    qn = connection.ops.quote_name
    cols = ["address_id", *FIELDS, "updated_at"]
    table = qn(Address._meta.db_table)
    conflict = ", ".join(f"{qn(c)} = excluded.{qn(c)}" for c in cols[1:])
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    row_sql = "(" + ", ".join(["%s"] * len(cols)) + ")"
    # Identifiers are quoted model metadata; every value is a parameter.
    head = "INSERT INTO " + table + " (" + ", ".join(qn(c) for c in cols) + ") VALUES "  # noqa: S608
    tail = " ON CONFLICT (" + qn("address_id") + ") DO UPDATE SET " + conflict
    with connection.cursor() as cursor:
        for chunk in _fixed_chunks(rows, UPSERT_CHUNKS):
            sql = head + ", ".join([row_sql] * len(chunk)) + tail
            params = [p for row in chunk for p in (*row, now)]
            cursor.execute(sql, params)


def import_addresses(
    path: str | Path,
    *,
    municipality: str | None = None,
    is_demo: bool = False,
    max_rejected: int = DEFAULT_MAX_REJECTED,
    batch_size: int = BATCH_SIZE,
    progress: Callable[[ImportResult, int], None] | None = None,
) -> ImportResult:
    """Import a BeST flat CSV file; all or nothing (see the module docstring).

    Raises ImportFailed with a Dutch message when the file cannot be imported.
    """
    path = Path(path)
    if not path.is_file():
        raise ImportFailed(_("Bestand niet gevonden: %(path)s") % {"path": path})
    result = ImportResult()
    try:
        with transaction.atomic():
            _run(path, result, municipality, is_demo, max_rejected, batch_size, progress)
    except UnicodeDecodeError as exc:
        raise ImportFailed(
            _("Het bestand is geen geldige UTF-8-tekst (rond regel %(line)s, byte %(pos)s). Er is niets opgeslagen.")
            % {"line": result.read + 2, "pos": exc.start}
        ) from exc
    except (EOFError, zipfile.BadZipFile, gzip.BadGzipFile, OSError) as exc:
        raise ImportFailed(
            _("Het bestand is onvolledig of beschadigd (%(err)s). Er is niets opgeslagen.") % {"err": exc}
        ) from exc
    except csv.Error as exc:
        raise ImportFailed(_("Ongeldige CSV (%(err)s). Er is niets opgeslagen.") % {"err": exc}) from exc
    return result


def _run(path, result, municipality, is_demo, max_rejected, batch_size, progress) -> None:
    stream = _open_text(path)
    with stream:
        first = stream.readline()
        delimiter = ";" if first.count(";") > first.count(",") else ","
        header = next(csv.reader([first], delimiter=delimiter), [])
        header = [h.strip() for h in header]
        missing = [h for h in HEADER if h not in header]
        if missing:
            raise ImportFailed(
                _("De kolomkoppen kloppen niet met het BeST-formaat; ontbrekend: %(cols)s. Er is niets opgeslagen.")
                % {"cols": ", ".join(missing)}
            )
        index = {name: header.index(name) for name in HEADER}
        width = len(header)
        caches = _Caches()
        batch: list[dict] = []
        line = 1
        for values in csv.reader(stream, delimiter=delimiter):
            line += 1
            if not values:
                continue
            result.read += 1
            if len(values) != width:
                result.reject(line, _("verwacht %(n)s kolommen, gevonden %(m)s") % {"n": width, "m": len(values)})
            else:
                row = {name: values[i].strip() for name, i in index.items()}
                _accept(row, line, result, caches, municipality, batch)
            if result.rejected_count > max_rejected:
                raise ImportFailed(
                    _("Meer dan %(n)s afgewezen rijen; is dit wel een BeST-adressenbestand? Er is niets opgeslagen.")
                    % {"n": max_rejected}
                )
            if len(batch) >= batch_size:
                _flush(batch, caches, result, is_demo)
                batch = []
                if progress:
                    progress(result, line)
        if batch:
            _flush(batch, caches, result, is_demo)
        if progress:
            progress(result, line)


def _accept(row: dict, line: int, result: ImportResult, caches: _Caches, municipality, batch: list) -> None:
    if row["status"].lower() != "current":
        result.skipped_status += 1
        return
    nis = _nis(row["municipality_id"])
    if municipality and nis != municipality:
        result.skipped_municipality += 1
        return
    if not row["address_id"] or not row["street_id"] or not nis:
        result.reject(line, _("address_id, street_id of municipality_id ontbreekt"))
        return
    if not row["house_number"]:
        result.reject(line, _("huisnummer ontbreekt"))
        return
    lat, lon = _float(row["EPSG:4326_lat"]), _float(row["EPSG:4326_lon"])
    if lat is None or lon is None:
        x72, y72 = _float(row["EPSG:31370_x"]), _float(row["EPSG:31370_y"])
        if x72 is None or y72 is None:
            result.reject(line, _("geen coördinaten"))
            return
        lat, lon = _lambert72_to_wgs84(x72, y72)
    if not geo.in_belgium(lat, lon):
        result.reject(line, _("coördinaten buiten België (%(lat)s, %(lon)s)") % {"lat": lat, "lon": lon})
        return
    row["lat"], row["lon"] = lat, lon
    row["municipality_pk"] = caches.municipality(nis, row)
    batch.append(row)
