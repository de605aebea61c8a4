"""Name matching against N persons (default 1 000 000): the blocking index of
schakel.subjects.matching versus plain rapidfuzz over every name.

    .venv/bin/python -m bench.cases.bench_names [--n 1000000] [--queries 300]

Pure Python, no database: it measures the algorithm the database path uses
(SubjectNameKey rows = the index's key lists). One core.
"""

from __future__ import annotations

import argparse
import random
import statistics
import time

from rapidfuzz import fuzz, process

from schakel.subjects import matching

from .namegen import population, variants


def pct(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=1_000_000)
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--plain", type=int, default=20, help="queries for the plain rapidfuzz baseline")
    args = parser.parse_args()

    t0 = time.perf_counter()
    people = population(args.n)
    keys = [matching.person_key(f, last) for f, last in people]
    t1 = time.perf_counter()
    index = matching.NameIndex()
    for i, key in enumerate(keys):
        index.add(i, key)
    t2 = time.perf_counter()
    print(f"persons: {args.n:,}; normalising {t1 - t0:.1f} s; building the blocking index {t2 - t1:.1f} s")

    rng = random.Random(7)
    sample = rng.sample(range(args.n), args.queries)
    times, candidates, found = [], [], 0
    for i in sample:
        first, last = variants(rng, *people[i])
        q0 = time.perf_counter()
        key = matching.person_key(first, last)
        cands = index.candidates(key)
        result = index.search(key)
        times.append((time.perf_counter() - q0) * 1000)
        candidates.append(len(cands))
        found += any(m.subject_id == i or keys[m.subject_id] == keys[i] for m in result)
    print(
        f"blocking: p50 {pct(times, 50):.1f} ms, p95 {pct(times, 95):.1f} ms, max {max(times):.1f} ms; "
        f"candidates p50 {int(statistics.median(candidates))}, p95 {pct(candidates, 95)}; "
        f"recall {found}/{args.queries}"
    )

    # Baseline: score every name with rapidfuzz (what blocking avoids).
    flat = [k.replace("|", " ") for k in keys]
    plain = []
    for i in sample[: args.plain]:
        key = matching.person_key(*people[i]).replace("|", " ")
        q0 = time.perf_counter()
        process.extract(key, flat, scorer=fuzz.token_sort_ratio, limit=20, score_cutoff=85)
        plain.append((time.perf_counter() - q0) * 1000)
    print(f"plain rapidfuzz over all names: p50 {pct(plain, 50):.0f} ms, p95 {pct(plain, 95):.0f} ms")


if __name__ == "__main__":
    main()
