"""Places benchmark: BeST import time and peak memory, and the 250 m radius
query p50/p95 on SQLite and PostgreSQL next to an in-memory shapely STRtree on
the same points (the lower bound), in one run.

    python bench/places/run.py --rows 3500000 [--scale belgium] [--pg postgres://postgres@127.0.0.1:5432/schakel_bench_places]

The default (200 000 rows, SQLite only) is the quick run of ``make bench``.
Not a test: prints figures; docs/bench-places.md records the ones measured.
"""

from __future__ import annotations

import argparse
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import gen_best  # noqa: E402


def load() -> str:
    """The 1/5/15-minute load average, printed next to every figure."""
    return "load " + " ".join(open("/proc/loadavg").read().split()[:3])


def pct(values, q):
    values = sorted(values)
    return values[min(len(values) - 1, int(len(values) * q))]


def run_import(env: dict, path: str) -> tuple[float, float, float, float]:
    """(wall seconds, peak RSS MB, CPU seconds, PostgreSQL backend CPU seconds)
    of `manage.py import_addresses` in a fresh process."""
    subprocess.run([sys.executable, "manage.py", "migrate", "-v", "0"], cwd=ROOT, env=env, check=True)
    started = time.monotonic()
    proc = subprocess.run(
        [sys.executable, "-c", IMPORT_SNIPPET, path], cwd=ROOT, env=env, check=True, capture_output=True, text=True
    )
    seconds = time.monotonic() - started
    *_, server, cpu, peak_kb = proc.stdout.strip().splitlines()
    return seconds, int(peak_kb) / 1024, float(cpu), float(server)


# Runs the import command and prints its own peak RSS (kB) as the last line.
IMPORT_SNIPPET = """
import os, sys, django
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "schakel.settings")
django.setup()
from django.core.management import call_command
from django.db import connection
call_command("import_addresses", sys.argv[1], verbosity=0)
# PostgreSQL does part of the work in its own backend process: add its CPU
# seconds (/proc/<pid>/stat fields 14-15, in clock ticks).
server = 0.0
if connection.vendor == "postgresql":
    with connection.cursor() as c:
        c.execute("SELECT pg_backend_pid()")
        stat = open(f"/proc/{c.fetchone()[0]}/stat").read().rsplit(")", 1)[1].split()
    server = (int(stat[11]) + int(stat[12])) / os.sysconf("SC_CLK_TCK")
print(server)
# VmHWM, not ru_maxrss: Linux keeps ru_maxrss across fork+exec, so it would
# report the benchmark parent's memory (the STRtree and the point arrays).
# CPU seconds (user + system) of this process: on a shared machine the wall
# clock also counts the time other jobs held the cores.
import resource
ru = resource.getrusage(resource.RUSAGE_SELF)
print(ru.ru_utime + ru.ru_stime)
print(next(line.split()[1] for line in open("/proc/self/status") if line.startswith("VmHWM:")))
"""

QUERY_SNIPPET = """
import os, sys, json, time, statistics, django
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "schakel.settings")
django.setup()
from schakel.places.selectors import addresses_within
pts = json.load(open(sys.argv[1]))
for lat, lon in pts[:20]:
    list(addresses_within(lat=lat, lon=lon).values_list("pk", flat=True))
from django.db import connection
def server_cpu():
    if connection.vendor != "postgresql":
        return 0.0
    with connection.cursor() as c:
        c.execute("SELECT pg_backend_pid()")
        stat = open(f"/proc/{c.fetchone()[0]}/stat").read().rsplit(")", 1)[1].split()
    return (int(stat[11]) + int(stat[12])) / os.sysconf("SC_CLK_TCK")
times, cpu, hits, full = [], [], [], []
server0 = server_cpu()
for lat, lon in pts:
    t, c = time.perf_counter(), time.process_time()
    ids = list(addresses_within(lat=lat, lon=lon).values_list("pk", flat=True))
    times.append((time.perf_counter() - t) * 1000)
    cpu.append((time.process_time() - c) * 1000)
    hits.append(len(ids))
server_ms = (server_cpu() - server0) * 1000 / len(pts)
# the same circles as the incident page reads them: whole Address objects
# with street and municipality joined (reads table rows, not only the index;
# most of the time is Django building three model objects per address).
# The first 100 circles only: this part measures the ORM, not the index.
for lat, lon in pts[:100]:
    t = time.perf_counter()
    list(addresses_within(lat=lat, lon=lon))
    full.append((time.perf_counter() - t) * 1000)
times.sort(); full.sort(); cpu.sort()
print(json.dumps({"p50": times[len(times)//2], "p95": times[int(len(times)*0.95)], "full_p50": full[len(full)//2],
                  "cpu_p50": cpu[len(cpu)//2], "cpu_p95": cpu[int(len(cpu)*0.95)], "server_ms": server_ms,
                  "full_p95": full[int(len(full)*0.95)], "mean_hits": statistics.mean(hits), "hits": hits}))
"""


def strtree(points_xy, queries_xy):
    import numpy as np
    import shapely

    geoms = shapely.points(np.asarray(points_xy))
    t0 = time.monotonic()
    tree = shapely.STRtree(geoms)
    build = time.monotonic() - t0
    times, hits = [], []
    for x, y in queries_xy:
        t = time.perf_counter()
        idx = tree.query(shapely.Point(x, y), predicate="dwithin", distance=250)
        times.append((time.perf_counter() - t) * 1000)
        hits.append(len(idx))
    times.sort()
    return {"p50": times[len(times) // 2], "p95": times[int(len(times) * 0.95)], "build_s": build, "hits": hits}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=200_000)
    ap.add_argument("--scale", default="flanders", choices=["flanders", "belgium"])
    ap.add_argument("--queries", type=int, default=500)
    ap.add_argument("--pg", default="", help="PostgreSQL URL (its database is dropped and recreated by migrate)")
    ap.add_argument("--keep", default="", help="reuse this generated file (same --rows and --scale)")
    ap.add_argument("--sqlite", default="", help="SQLite file to (re)create; default: in the temporary directory")
    ap.add_argument("--no-sqlite", action="store_true", help="PostgreSQL only")
    ap.add_argument(
        "--skip-import", action="store_true", help="query databases imported by an earlier run (--sqlite/--pg, --keep)"
    )
    args = ap.parse_args()
    import json

    from pyproj import Transformer

    tmp = Path(tempfile.mkdtemp(prefix="bench-places-"))
    path = args.keep or str(tmp / "best.csv.gz")
    if not args.keep and not args.skip_import:
        t = time.monotonic()
        gen_best.generate(args.rows, path, args.scale)
        print(f"generated {args.rows:,} rows in {time.monotonic() - t:.1f} s")
    xs, ys = gen_best.points(args.rows, gen_best.BOXES[args.scale])
    keep = [i for i in range(args.rows) if i % 50]  # the importer skips the 'retired' ones
    rng = random.Random(7)
    sample = rng.sample(keep, args.queries)
    to_wgs = Transformer.from_crs("EPSG:3812", "EPSG:4326", always_xy=True)
    # query points: near real addresses (a random address moved up to 100 m)
    qxy = [(xs[i] + rng.uniform(-100, 100), ys[i] + rng.uniform(-100, 100)) for i in sample]
    qll = [to_wgs.transform(x, y)[::-1] for x, y in qxy]
    qfile = tmp / "queries.json"
    qfile.write_text(json.dumps(qll))
    tree = strtree([(xs[i], ys[i]) for i in keep], qxy)
    h = tree["hits"]
    print(
        f"STRtree ({len(keep):,} points, build {tree['build_s']:.1f} s): p50 {tree['p50']:.3f} ms, "
        f"p95 {tree['p95']:.3f} ms; addresses per 250 m circle: mean {sum(h) / len(h):.0f}, p50 {pct(h, 0.5)}, "
        f"p95 {pct(h, 0.95)}, max {max(h)}; {load()}",
        flush=True,
    )

    if not args.skip_import:
        print(f"file {path}; {load()}", flush=True)
    targets = []
    if not args.no_sqlite:
        db = Path(args.sqlite or tmp / "bench.sqlite3")
        for suffix in ("", "-wal", "-shm"):
            if not args.skip_import:
                Path(f"{db}{suffix}").unlink(missing_ok=True)
        targets.append(("SQLite", f"sqlite:///{db}"))
    if args.pg:
        targets.append(("PostgreSQL", args.pg))
    for name, url in targets:
        env = {**os.environ, "DATABASE_URL": url, "SCHAKEL_VAR_DIR": str(tmp)}
        if name == "PostgreSQL" and not args.skip_import:
            subprocess.run([sys.executable, "-c", RESET_PG, url], cwd=ROOT, env=env, check=True)
        before = load()
        if args.skip_import:
            print(f"{name}: import skipped (database of an earlier run); {before}", flush=True)
        else:
            seconds, peak, cpu, server = run_import(env, path)
            print(
                f"{name}: import {args.rows:,} rows in {seconds:.1f} s ({args.rows / seconds:,.0f} rows/s; "
                f"CPU: importer {cpu:.1f} s" + (f" + PostgreSQL backend {server:.1f} s" if server else "") + "), "
                f"peak memory (VmHWM) {peak:.0f} MB; {before} before, {load()} after",
                flush=True,
            )
        out = subprocess.run(
            [sys.executable, "-c", QUERY_SNIPPET, str(qfile)],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
            text=True,
        )
        r = json.loads(out.stdout.strip().splitlines()[-1])
        same = sum(1 for a, b in zip(r["hits"], tree["hits"], strict=True) if a == b)
        print(
            f"{name}: 250 m radius (ids) p50 {r['p50']:.2f} ms, p95 {r['p95']:.2f} ms, mean {r['mean_hits']:.0f} "
            f"addresses; ratio to STRtree p50 x{r['p50'] / tree['p50']:.1f}, p95 x{r['p95'] / tree['p95']:.1f}; "
            f"same result count as STRtree for {same}/{len(r['hits'])} queries; "
            f"client-process CPU per query p50 {r['cpu_p50']:.2f} ms, p95 {r['cpu_p95']:.2f} ms"
            + (f", PostgreSQL backend CPU mean {r['server_ms']:.2f} ms; " if r["server_ms"] else "; ")
            + f"whole objects p50 {r['full_p50']:.2f} ms, p95 {r['full_p95']:.2f} ms; {load()}",
            flush=True,
        )


RESET_PG = """
import sys, psycopg
from urllib.parse import urlparse
u = urlparse(sys.argv[1]); db = u.path.lstrip("/")
with psycopg.connect(sys.argv[1].replace("/" + db, "/postgres"), autocommit=True) as c:
    c.execute(f'DROP DATABASE IF EXISTS "{db}"'); c.execute(f'CREATE DATABASE "{db}"')
"""

if __name__ == "__main__":
    main()
