"""The database path of name matching (``subjects.selectors.match_name``)
against N persons stored as Subject/Person/SubjectNameKey/SubjectNamePair rows.

    .venv/bin/python -m bench.cases.bench_names_db --n 1000000 [--queries 200]

Uses its own database: ``var/bench-names.sqlite3`` unless BENCH_DATABASE_URL
is set (e.g. PostgreSQL ``schakel_bench_names``). The persons are generated
once (the same synthetic population as bench_names) and topped up to --n on
the next run; rows are written with plain SQL (COPY on PostgreSQL) because
the services would take hours for a million persons. Each query is timed
through ``match_name`` (pair-key lookup, normal forms of the candidates,
scoring); the storage of the key tables is printed on PostgreSQL.

``--one-word N`` adds N persons written with one word (an initial or "NN"
as first name, e.g. "J. Vandenbroeck", ADR 0402 amendment 3) under their own
ids and times full-name queries for them: of the pairs the score accepts, how
many are found.
"""

from __future__ import annotations

import argparse
import io
import os
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
os.environ["DATABASE_URL"] = os.environ.get("BENCH_DATABASE_URL", f"sqlite:///{ROOT / 'var' / 'bench-names.sqlite3'}")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "schakel.settings")
sys.path.insert(0, str(ROOT))

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from schakel.subjects import matching, selectors  # noqa: E402
from schakel.subjects.models import Subject  # noqa: E402

from .bench_names import load, pct  # noqa: E402
from .namegen import population, variants  # noqa: E402

OFFSET = 10_000_000  # ids of bench persons, clear of anything else in the database
ONE_WORD = 30_000_000  # ids of the persons of --one-word


def _copy(cursor, table: str, columns: list[str], rows) -> None:
    if connection.vendor == "postgresql":
        buf = io.StringIO()
        for row in rows:
            buf.write("\t".join("\\N" if v is None else str(v) for v in row) + "\n")
        buf.seek(0)
        with cursor.cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
            copy.write(buf.read())
    else:
        marks = ", ".join(["%s"] * len(columns))
        cursor.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})", rows)  # noqa: S608


def top_up(people, n: int, offset: int = OFFSET) -> None:
    have = Subject.objects.filter(pk__gte=offset, pk__lt=offset + 10_000_000).count()
    if have >= n:
        return
    print(f"writing persons {have:,} -> {n:,} ...", flush=True)
    t0 = time.perf_counter()
    now = timezone.now().isoformat()
    batch = 20_000
    while have < n:
        size = min(batch, n - have)
        ids = range(have, have + size)
        keys = {i: matching.person_key(*people[i]) for i in ids}
        with transaction.atomic(), connection.cursor() as cur:
            _copy(
                cur,
                "subjects_subject",
                ["id", "created_at", "updated_at", "kind", "match_key", "identifier", "is_demo"],
                [(offset + i, now, now, "person", keys[i][:300], "", True) for i in ids],
            )
            _copy(
                cur,
                "subjects_person",
                ["subject_ptr_id", "first_name", "last_name", "national_number", "is_minor", "pseudonym"],
                [(offset + i, people[i][0], people[i][1], "", False, f"B-{offset - OFFSET + i:09d}") for i in ids],
            )
            _copy(
                cur,
                "subjects_subjectnamekey",
                ["subject_id", "key"],
                [(offset + i, k) for i in ids for k in sorted(matching.blocking_keys(keys[i]))],
            )
            _copy(
                cur,
                "subjects_subjectnamepair",
                ["key", "subject_id"],
                [(k, offset + i) for i in ids for k in sorted(matching.pair_keys(keys[i]))],
            )
        have += size
        if have % 200_000 == 0:
            print(f"  {have:,} ({time.perf_counter() - t0:.0f} s)", flush=True)
    print(f"  {time.perf_counter() - t0:.0f} s", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=1_000_000)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--stop", type=int, default=None, help="override selectors.STOP_LIMIT (0: no stop keys)")
    parser.add_argument("--one-word", type=int, default=0, help="also time N persons stored with one word")
    args = parser.parse_args()
    if args.stop is not None:
        selectors.STOP_LIMIT = args.stop
    t0 = time.perf_counter()
    call_command("migrate", verbosity=0)
    print(f"migrate: {time.perf_counter() - t0:.1f} s", flush=True)
    people = population(args.n)
    top_up(people, args.n)
    # One-word persons: sampled names written "J. Vandenbroeck" or "NN Vandenbroeck".
    one_rng = random.Random(13)
    picked = one_rng.sample(range(args.n), args.one_word)
    ones = [(one_rng.choice([people[i][0][0] + ".", "NN"]), people[i][1]) for i in picked]
    top_up(ones, len(ones), ONE_WORD)
    # Planner statistics and, on PostgreSQL, the visibility map that lets the
    # key probes be index-only scans (autovacuum's job in production).
    with connection.cursor() as cur:
        cur.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
    rng = random.Random(7)
    sample = rng.sample(range(args.n), args.queries)
    queries = [(i, matching.person_key(*variants(rng, *people[i]))) for i in sample]
    selectors.match_name(key=queries[0][1], kind="person")  # warm up
    times, cpu, counts, found = [], [], set(), 0
    for i, key in queries:
        with CaptureQueriesContext(connection) as ctx:
            q0, c0 = time.perf_counter(), time.process_time()
            result = selectors.match_name(key=key, kind="person", threshold=85.0)
            times.append((time.perf_counter() - q0) * 1000)
            cpu.append((time.process_time() - c0) * 1000)
        counts.add(len(ctx.captured_queries))
        target = people[i]
        found += any(m.subject_id == OFFSET + i for m in result) or any(
            people[m.subject_id - OFFSET] == target for m in result if OFFSET <= m.subject_id < OFFSET + args.n
        )
    candidates = sorted(len(selectors.name_candidates(key)) for _i, key in queries)
    print(
        f"database: {connection.vendor}; persons: {args.n:,}; match_name: p50 {pct(times, 50):.1f} ms, "
        f"p95 {pct(times, 95):.1f} ms, max {max(times):.1f} ms (CPU of this process p50 {pct(cpu, 50):.1f}, "
        f"p95 {pct(cpu, 95):.1f} ms); queries per call {sorted(counts)}; "
        f"target recall {found}/{len(queries)}; candidates p50 {pct(candidates, 50)}, p95 {pct(candidates, 95)}, "
        f"max {candidates[-1]}; stop limit {selectors.STOP_LIMIT}, cap {selectors.MAX_CANDIDATES} ({load()})",
        flush=True,
    )
    if ones:
        one_word([people[i] for i in picked], ones, rng)
    storage()


def one_word(full, ones, rng) -> None:
    """Full-name queries (``full``, typed as ``variants``) for the persons
    stored with one word (``ones``): of the pairs the score accepts
    (threshold 85, as above), how many ``match_name`` finds, and how fast."""
    times, cpu, candidates, accepted, found = [], [], [], 0, 0
    for j, ((first, last), stored_name) in enumerate(zip(full, ones, strict=True)):
        query = matching.person_key(*variants(rng, first, last))
        stored = matching.person_key(*stored_name)
        if matching.score(query, stored) < 85.0:
            continue
        accepted += 1
        q0, c0 = time.perf_counter(), time.process_time()
        result = selectors.match_name(key=query, kind="person", threshold=85.0)
        times.append((time.perf_counter() - q0) * 1000)
        cpu.append((time.process_time() - c0) * 1000)
        found += any(m.subject_id == ONE_WORD + j for m in result)
        candidates.append(len(selectors.name_candidates(query)))
    if times:
        print(
            f"one-word persons: {len(ones)}, full-name queries the score accepts {accepted}, found {found}/{accepted}; "
            f"match_name p50 {pct(times, 50):.1f} ms, p95 {pct(times, 95):.1f} ms (CPU p50 {pct(cpu, 50):.1f}, "
            f"p95 {pct(cpu, 95):.1f} ms); candidates p50 {pct(candidates, 50)}, p95 {pct(candidates, 95)} ({load()})",
            flush=True,
        )


def storage() -> None:
    """Rows per person and size (heap + indexes) of the key tables."""
    persons = Subject.objects.filter(pk__gte=OFFSET).count()
    with connection.cursor() as cur:
        for table in ("subjects_subjectnamekey", "subjects_subjectnamepair"):
            cur.execute(f"SELECT COUNT(*) FROM {table}")  # noqa: S608
            rows = cur.fetchone()[0]
            size = ""
            if connection.vendor == "postgresql":
                cur.execute("SELECT pg_total_relation_size(%s)", [table])
                size = f", pg_total_relation_size {cur.fetchone()[0] / 2**20:,.0f} MiB"
            print(f"{table}: {rows:,} rows, {rows / max(persons, 1):.1f} per person{size}", flush=True)


if __name__ == "__main__":
    main()
