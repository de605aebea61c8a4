"""Name matching against N persons (default 1 000 000): the blocking index of
schakel.subjects.matching, with and without its limits, versus plain
rapidfuzz over every name.

    .venv/bin/python -m bench.cases.bench_names [--n 1000000] [--queries 300]
        [--limits 5000:2000,0:2000] [--plain 20] [--full]

Pure Python, no database: it measures the algorithm the database path uses
(SubjectNameKey and SubjectNamePair rows = the index's key and pair-key lists). One core.

For every configuration it prints latency (p50/p95/max), candidates scored
and two recalls:
- *target recall*: the person the query was made from (or one with the
  same normal form) is among the results;
- *kept*: of the matches the index finds without limits, the share it still
  finds with the stop keys and the candidate cap (what the limits cost).
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import time

from rapidfuzz import fuzz, process

from schakel.subjects import matching

from .namegen import population, variants

THRESHOLD = 85.0


def pct(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def load() -> str:
    try:
        return "load average " + " ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        return ""


def run(index, label, queries, keys, reference=None):
    times, blocking, candidates, found = [], [], [], 0
    results = {}
    for i, key in queries:
        q0 = time.perf_counter()
        result = index.search(key, threshold=THRESHOLD, limit=1_000_000)
        times.append((time.perf_counter() - q0) * 1000)
        q0 = time.perf_counter()
        candidates.append(len(index.candidates(key)))
        blocking.append((time.perf_counter() - q0) * 1000)
        found += any(m.subject_id == i or keys[m.subject_id] == keys[i] for m in result)
        results[i] = {m.subject_id for m in result}
    kept = ""
    if reference is not None:
        want = sum(len(v) for v in reference.values())
        got = sum(len(reference[i] & results[i]) for i in reference)
        kept = f"; kept {got}/{want} matches of the unlimited index"
    print(
        f"{label}: p50 {pct(times, 50):.1f} ms, p95 {pct(times, 95):.1f} ms, max {max(times):.1f} ms "
        f"(blocking alone p95 {pct(blocking, 95):.1f} ms); "
        f"candidates p50 {int(statistics.median(candidates))}, p95 {pct(candidates, 95)}, max {max(candidates)}; "
        f"target recall {found}/{len(queries)}{kept} ({load()})",
        flush=True,
    )
    return results


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=1_000_000)
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--plain", type=int, default=20, help="queries for the plain baseline and exhaustive recall")
    parser.add_argument(
        "--limits",
        default="5000:2000,0:2000",
        help="configurations to compare with the unlimited index, as stop_limit:cap (0 = none)",
    )
    parser.add_argument("--full", action="store_true", help="also time the full score over all names")
    args = parser.parse_args()
    print(f"start ({load()})", flush=True)

    t0 = time.perf_counter()
    people = population(args.n)
    keys = [matching.person_key(f, last) for f, last in people]
    t1 = time.perf_counter()
    index = matching.NameIndex()
    for i, key in enumerate(keys):
        index.add(i, key)
    t2 = time.perf_counter()
    print(f"persons: {args.n:,}; normalising {t1 - t0:.1f} s; building the blocking index {t2 - t1:.1f} s", flush=True)

    rng = random.Random(7)
    sample = rng.sample(range(args.n), args.queries)
    queries = [(i, matching.person_key(*variants(rng, *people[i]))) for i in sample]

    # Plain baseline: every name scored (what blocking avoids).
    flat = [k.replace("|", " ") for k in keys]
    single, full = [], []
    for _i, key in queries[: args.plain]:
        q0 = time.perf_counter()
        process.extract(key.replace("|", " "), flat, scorer=fuzz.token_sort_ratio, limit=20, score_cutoff=THRESHOLD)
        single.append((time.perf_counter() - q0) * 1000)
        if args.full:
            q0 = time.perf_counter()
            matching.score_many(key, keys, THRESHOLD)
            full.append((time.perf_counter() - q0) * 1000)
    print(
        f"plain rapidfuzz, one ratio over all names: p50 {pct(single, 50):.0f} ms, p95 {pct(single, 95):.0f} ms"
        + (f"; the full score over all names: p50 {pct(full, 50):.0f} ms, p95 {pct(full, 95):.0f} ms" if full else "")
        + f" ({load()})",
        flush=True,
    )

    index.stop_limit, index.max_candidates = None, None
    reference = run(index, "blocking, no limits", queries, keys)
    for spec in args.limits.split(","):
        stop, cap = (int(x) or None for x in spec.split(":"))
        index.stop_limit, index.max_candidates = stop, cap
        run(index, f"blocking, stop keys > {stop or '-'}, cap {cap or '-'}", queries, keys, reference)


if __name__ == "__main__":
    main()
