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
- Upsert on ``address_id`` through a staging table, one statement per batch
  that writes only new or changed rows (``_Writer``), so a re-import changes
  only what changed.
- Rows whose status is not ``current`` are not inserted; when such an address
  is already stored it is kept and flagged (``status``, ``retired_at``).
"""

from __future__ import annotations

import csv
import gzip
import io
import math
import operator
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
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
BATCH_SIZE = 20_000
DEFAULT_MAX_REJECTED = 1000


class ImportFailed(Exception):
    """The file as a whole cannot be imported; nothing was saved."""


@dataclass
class ImportResult:
    read: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    retired: int = 0
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
    """Municipality and street ids, loaded once (they grow with the number of
    streets, ~100 k for Flanders, never with the number of addresses)."""

    def __init__(self):
        self.municipalities: dict[str, int] = dict(Municipality.objects.values_list("nis_code", "pk"))
        self.streets: dict[str, int] = dict(Street.objects.values_list("street_id", "pk"))
        self.raw_municipality: dict[str, str] = {}  # municipality_id as written in the file -> NIS code

    def nis(self, raw: str) -> str:
        nis = self.raw_municipality.get(raw)
        if nis is None:
            nis = self.raw_municipality[raw] = _nis(raw)
        return nis

    def municipality(self, nis: str, names: tuple[str, str, str]) -> int:
        pk = self.municipalities.get(nis)
        if pk is None:
            muni, _ = Municipality.objects.update_or_create(
                nis_code=nis,
                defaults={"name_nl": names[0][:120], "name_fr": names[1][:120], "name_de": names[2][:120]},
            )
            pk = self.municipalities[nis] = muni.pk
        return pk

    def create_streets(self, wanted: dict[str, tuple]) -> None:
        """Create the streets not seen before: street_id -> (municipality pk, nl, fr, de)."""
        new = [
            Street(street_id=sid, municipality_id=m, name_nl=nl[:200], name_fr=fr[:200], name_de=de[:200])
            for sid, (m, nl, fr, de) in wanted.items()
        ]
        for chunk in _fixed_chunks(new, ID_CHUNKS):
            for street in Street.objects.bulk_create(chunk):
                self.streets[street.street_id] = street.pk


ID_CHUNKS = (900, 90, 9, 1)

# Columns of the staging table, in order (current addresses only).
STAGE_COLS = (
    "address_id",
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
    "status",
)
COMPARED = STAGE_COLS[1:]
STAGE = "places_import_stage"


class _Writer:
    """Engine-specific bulk writing, kept in this module (ADR 0200).

    Each batch goes into a temporary staging table (SQLite: executemany;
    PostgreSQL: COPY), then ONE statement upserts the current rows:
    ``INSERT … SELECT … ON CONFLICT (address_id) DO UPDATE … WHERE (a column
    changed)``, so unchanged rows are not written and the database does the
    comparison; ``RETURNING id`` counts created (id above the highest id before
    the statement) and updated rows. A second statement flags stored addresses
    that the file lists with another status than ``current``.
    """

    def __init__(self, cursor):
        self.cursor = cursor
        self.deferred: list[str] = []
        qn = connection.ops.quote_name
        self.table = qn(Address._meta.db_table)
        self.vendor = connection.vendor
        cols = ", ".join(qn(c) for c in STAGE_COLS)
        sets = ", ".join(f"{qn(c)} = excluded.{qn(c)}" for c in COMPARED)
        changed = " OR ".join(f"{self.table}.{qn(c)} <> excluded.{qn(c)}" for c in COMPARED)
        # Only a re-import can hold unchanged rows (a first import's rows are
        # all new).
        self.reimport = Address.objects.exists()
        skip_unchanged = ""
        if self.vendor == "postgresql" and self.reimport:
            # ON CONFLICT DO UPDATE locks every conflicting row even when its
            # WHERE is false, which on a re-import of an unchanged register
            # writes every heap page (6.6 M rows: 604 s against 194 s for the
            # first import). So unchanged rows are left out of the SELECT:
            # each staged row looks its stored row up through the unique
            # index in a sub-select with LIMIT, which the planner cannot turn
            # into a join (joins and ``= ANY`` of the batch's ids were planned
            # as a scan of the whole table, or a nested loop over the staging
            # table, per batch). ``IS NOT TRUE`` mirrors the upsert's WHERE.
            stored = ", ".join(qn(c) for c in COMPARED)
            unchanged = " OR ".join(f"a.{qn(c)} <> s.{qn(c)}" for c in COMPARED)
            skip_unchanged = (
                f"AND NOT EXISTS (SELECT 1 FROM (SELECT {stored} FROM {self.table} t "  # noqa: S608
                f"WHERE t.{qn('address_id')} = s.{qn('address_id')} LIMIT 1) a WHERE ({unchanged}) IS NOT TRUE) "
            )
        # Identifiers are quoted model metadata; every value is a parameter.
        self.upsert_sql = (
            f"INSERT INTO {self.table} ({cols}, {qn('retired_at')}, {qn('updated_at')}) "  # noqa: S608
            f"SELECT {cols}, NULL, %s FROM {STAGE} s WHERE {qn('status')} = %s "  # the WHERE also lets SQLite parse ON CONFLICT
            f"{skip_unchanged}"
            f"ON CONFLICT ({qn('address_id')}) DO UPDATE SET {sets}, {qn('retired_at')} = NULL, "
            f"{qn('updated_at')} = excluded.{qn('updated_at')} WHERE {changed}"
        )
        # Flag stored addresses that the file lists with another status, by
        # address_id (an index lookup each; a join against the staging table
        # let PostgreSQL choose a scan of the whole table per batch).
        st, ra, ua, aid = qn("status"), qn("retired_at"), qn("updated_at"), qn("address_id")
        if self.vendor == "postgresql":
            self.retire_sql = (
                f"UPDATE {self.table} SET {st} = s.status, {ra} = COALESCE({self.table}.{ra}, %s), {ua} = %s "  # noqa: S608
                f"FROM unnest(%s::text[], %s::text[]) AS s(address_id, status) "
                f"WHERE {self.table}.{aid} = s.address_id AND {self.table}.{st} <> s.status"
            )
        else:
            self.retire_sql = (
                f"UPDATE {self.table} SET {st} = ?, {ra} = COALESCE({ra}, ?), {ua} = ? "  # noqa: S608
                f"WHERE {aid} = ? AND {st} <> ?"
            )
        self.stage_sql = f"INSERT INTO {STAGE} VALUES ({', '.join(['?'] * len(STAGE_COLS))})"  # noqa: S608
        if self.vendor == "postgresql":
            cursor.execute(
                f"CREATE TEMP TABLE {STAGE} (address_id text, street_id bigint, municipality_id bigint, "
                "house_number text, box_number text, postcode text, postname_nl text, lat double precision, "
                "lon double precision, x double precision, y double precision, cell bigint, is_demo boolean, "
                "status text)"
            )
            # One long operator transaction: no need to wait for the WAL flush.
            cursor.execute("SET LOCAL synchronous_commit = off")
            # The batch statements' cost estimates pass jit_above_cost; compiling
            # them anew per batch costs more than it saves (0.05 against 0.03 s
            # per 20 000 unchanged rows measured on 6.6 M).
            cursor.execute("SET LOCAL jit = off")
        else:
            cursor.execute(
                f"CREATE TEMP TABLE {STAGE} (address_id, street_id, municipality_id, house_number, box_number, "
                "postcode, postname_nl, lat, lon, x, y, cell, is_demo, status)"
            )
            # A larger page cache for this connection while it imports (the
            # indexes are written in random order); restored in close().
            cursor.execute("PRAGMA cache_size")
            self._cache_size = cursor.fetchone()[0]
            cursor.execute(f"PRAGMA cache_size = -{SQLITE_CACHE_KB}")

    def write(self, rows: list[tuple], stale: list[tuple[str, str]], now) -> tuple[int, int, int]:
        """Upsert ``rows`` (STAGE_COLS tuples of current addresses) through the
        staging table and flag the stored ones among ``stale`` ((address_id,
        status) pairs); returns (created, updated, retired)."""
        cur = self.cursor
        if self.vendor == "postgresql":
            with cur.cursor.copy(f"COPY {STAGE} ({', '.join(STAGE_COLS)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            # the raw sqlite3 cursor: Django's wrapper rewrites the SQL per call
            cur.cursor.executemany(self.stage_sql, rows)
        cur.execute(f"SELECT COALESCE(MAX(id), 0) FROM {self.table}")  # noqa: S608
        max_before = cur.fetchone()[0]
        if self.vendor == "postgresql":
            sql = f"WITH w AS ({self.upsert_sql} RETURNING id) SELECT COUNT(*), COUNT(*) FILTER (WHERE id > %s) FROM w"  # noqa: S608
            cur.execute(sql, [now, Address.CURRENT, max_before])
            written, created = cur.fetchone()
        else:
            cur.execute(self.upsert_sql + " RETURNING id", [now, Address.CURRENT])
            ids = [r[0] for r in cur.fetchall()]
            written, created = len(ids), sum(1 for i in ids if i > max_before)
        cur.execute(f"DELETE FROM {STAGE}")  # noqa: S608
        retired = 0
        if stale and self.vendor == "postgresql":
            cur.execute(self.retire_sql, [now, now, [a for a, _s in stale], [s for _a, s in stale]])
            retired = cur.rowcount
        elif stale:
            cur.cursor.executemany(self.retire_sql, [(s, now, now, a, s) for a, s in stale])
            retired = cur.cursor.rowcount
        return created, written - created, max(retired, 0)

    def defer_indexes(self) -> None:
        """On an empty table (a first import), drop the secondary indexes now
        and build them once at the end: one sort instead of millions of
        random-order B-tree inserts. The unique index on ``address_id`` (which
        the upsert needs) and the primary key stay. Inside the import's
        transaction, so a failed import rolls the drop back too (PostgreSQL
        holds the table lock until commit; the table was empty)."""
        if self.reimport:
            return
        table = Address._meta.db_table
        if self.vendor == "postgresql":
            self.cursor.execute(
                "SELECT i.indexname, i.indexdef FROM pg_indexes i WHERE i.tablename = %s AND i.schemaname = "
                "current_schema() AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = "
                "(quote_ident(i.schemaname) || '.' || quote_ident(i.indexname))::regclass)",
                [table],
            )
        else:
            # sql IS NULL: the automatic indexes of UNIQUE / PRIMARY KEY
            self.cursor.execute(
                "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = %s AND sql IS NOT NULL",
                [table],
            )
        for name, create_sql in self.cursor.fetchall():
            self.deferred.append(create_sql)
            self.cursor.execute(f"DROP INDEX {connection.ops.quote_name(name)}")
        if self.vendor == "postgresql":
            # Foreign keys likewise: per row, PostgreSQL queues two deferred
            # check events (7 M for Flanders) and runs them one by one at
            # commit; re-adding the constraint checks all rows in one join.
            self.cursor.execute(
                "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
                "WHERE conrelid = %s::regclass AND contype = 'f'",
                [self.table],
            )
            for name, definition in self.cursor.fetchall():
                name = connection.ops.quote_name(name)
                self.cursor.execute(f"ALTER TABLE {self.table} DROP CONSTRAINT {name}")
                self.deferred.append(f"ALTER TABLE {self.table} ADD CONSTRAINT {name} {definition}")

    def close(self) -> None:
        if self.deferred and self.vendor == "postgresql":
            # The foreign keys are DEFERRABLE INITIALLY DEFERRED: run their
            # pending checks now (CREATE INDEX refuses a table with pending
            # trigger events), then defer again as Django expects.
            self.cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            self.cursor.execute("SET CONSTRAINTS ALL DEFERRED")
            self.cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
        for sql in self.deferred:
            self.cursor.execute(sql)
        self.cursor.execute(f"DROP TABLE {STAGE}")
        if self.vendor == "sqlite":
            self.cursor.execute(f"PRAGMA cache_size = {int(self._cache_size)}")


SQLITE_CACHE_KB = 256 * 1024


def _flush(batch: dict[str, tuple], caches: _Caches, writer: _Writer, result: ImportResult, is_demo: bool) -> None:
    """Write one batch: ``batch`` maps address_id -> a row parsed by _accept."""
    current = [(aid, r) for aid, r in batch.items() if r[0] is not None]
    streets = caches.streets
    new_streets = {}
    for _aid, r in current:
        if r[0] not in streets and r[0] not in new_streets:
            new_streets[r[0]] = (r[1], r[7], r[8], r[9])
    if new_streets:
        caches.create_streets(new_streets)
    rows = []
    if current:
        # one vectorised pyproj call per batch; rounding and cells in numpy
        lats = np.round(np.fromiter((r[5] for _a, r in current), float, len(current)), 7)
        lons = np.round(np.fromiter((r[6] for _a, r in current), float, len(current)), 7)
        xs, ys = geo._to_3812().transform(lons, lats)
        xs, ys = np.round(xs, 2), np.round(ys, 2)
        cells = (np.floor(xs / geo.GRID_M) * geo.CELL_FACTOR + np.floor(ys / geo.GRID_M)).astype(np.int64)
        for (aid, r), lat, lon, x, y, cell in zip(
            current, lats.tolist(), lons.tolist(), xs.tolist(), ys.tolist(), cells.tolist(), strict=True
        ):
            rows.append(
                (aid, streets[r[0]], r[1], r[2], r[3], r[4], r[10], lat, lon, x, y, cell, is_demo, Address.CURRENT)
            )
    stale = [(aid, r[1]) for aid, r in batch.items() if r[0] is None]
    created, updated, retired = writer.write(rows, stale, connection.ops.adapt_datetimefield_value(timezone.now()))
    result.created += created
    result.updated += updated
    result.unchanged += len(current) - created - updated
    result.retired += retired
    result.skipped_status += len(stale) - retired


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
    if result.created + result.updated + result.retired and not connection.in_atomic_block:
        _refresh_statistics()
    return result


def _refresh_statistics() -> None:
    """After a committed import: fresh planner statistics, and on PostgreSQL
    the visibility map that lets radius queries stay index-only (VACUUM cannot
    run inside a transaction, so callers inside one skip this; autovacuum
    catches up later)."""
    table = connection.ops.quote_name(Address._meta.db_table)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"VACUUM (ANALYZE) {table}")
        elif connection.vendor == "sqlite":
            cursor.execute("PRAGMA analysis_limit = 1000")
            cursor.execute(f"ANALYZE {table}")


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
        # the columns in HEADER order, as one tuple per row (C-level itemgetter)
        pick = operator.itemgetter(*(header.index(name) for name in HEADER))
        width = len(header)
        caches = _Caches()
        with connection.cursor() as cursor:
            writer = _Writer(cursor)
            writer.defer_indexes()
            batch: dict[str, tuple] = {}
            line = 1
            for values in csv.reader(stream, delimiter=delimiter):
                line += 1
                if not values:
                    continue
                result.read += 1
                if len(values) != width:
                    result.reject(line, _("verwacht %(n)s kolommen, gevonden %(m)s") % {"n": width, "m": len(values)})
                else:
                    _accept(pick(values), line, result, caches, municipality, batch)
                if result.rejected_count > max_rejected:
                    raise ImportFailed(
                        _(
                            "Meer dan %(n)s afgewezen rijen; is dit wel een BeST-adressenbestand? Er is niets opgeslagen."
                        )
                        % {"n": max_rejected}
                    )
                if len(batch) >= batch_size:
                    _flush(batch, caches, writer, result, is_demo)
                    batch = {}
                    if progress:
                        progress(result, line)
            if batch:
                _flush(batch, caches, writer, result, is_demo)
            writer.close()
        if progress:
            progress(result, line)


def _accept(v: tuple, line: int, result: ImportResult, caches: _Caches, municipality, batch: dict) -> None:
    """Validate one row (``v`` in HEADER order) and add it to ``batch``.

    A current address becomes (street_id, municipality pk, house, box,
    postcode, lat, lon, street nl/fr/de, postname); another status only
    (None, status), so that a stored address can be flagged as retired.
    """
    (
        x72,
        y72,
        lat_s,
        lon_s,
        aid,
        box,
        house,
        muni_raw,
        m_de,
        m_fr,
        m_nl,
        postcode,
        _pfr,
        postname,
        sid,
        s_de,
        s_fr,
        s_nl,
        _region,
        status,
    ) = v
    nis = caches.nis(muni_raw)
    status = status.strip().lower()
    if status != Address.CURRENT:
        if municipality and nis != municipality:
            result.skipped_municipality += 1
            return
        aid = aid.strip()
        if aid and status:
            batch[aid] = (None, status[:20])
        else:
            result.skipped_status += 1
        return
    if municipality and nis != municipality:
        result.skipped_municipality += 1
        return
    aid, sid, house = aid.strip(), sid.strip(), house.strip()
    if not aid or not sid or not nis:
        result.reject(line, _("address_id, street_id of municipality_id ontbreekt"))
        return
    if not house:
        result.reject(line, _("huisnummer ontbreekt"))
        return
    lat, lon = _float(lat_s), _float(lon_s)
    if lat is None or lon is None:
        x, y = _float(x72), _float(y72)
        if x is None or y is None:
            result.reject(line, _("geen coördinaten"))
            return
        lat, lon = _lambert72_to_wgs84(x, y)
    if not geo.in_belgium(lat, lon):
        result.reject(line, _("coördinaten buiten België (%(lat)s, %(lon)s)") % {"lat": lat, "lon": lon})
        return
    muni_pk = caches.municipalities.get(nis) or caches.municipality(nis, (m_nl.strip(), m_fr.strip(), m_de.strip()))
    batch[aid] = (
        sid,
        muni_pk,
        house[:20],
        box.strip()[:40],
        postcode.strip()[:10],
        lat,
        lon,
        s_nl.strip(),
        s_fr.strip(),
        s_de.strip(),
        postname.strip()[:120],
    )
