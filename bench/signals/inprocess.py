"""In-process profile of the signals intake and queue (no HTTP server, one client).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/schakel_bench_signals \\
        .venv/bin/python bench/signals/inprocess.py [queue|intake|bare] [--cprofile]

Prints p50/p95 service time and the queries of one request; with --cprofile
the 30 most expensive functions (cumulative) of 20 requests.
"""

from __future__ import annotations

import cProfile
import json
import os
import pstats
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ["DJANGO_SETTINGS_MODULE"] = "bench.signals.settings"

import django  # noqa: E402

django.setup()

from django.db import connection, reset_queries  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402


def main(argv):
    what = argv[0] if argv else "queue"
    n = int(os.environ.get("N", "40"))
    from schakel.accounts.models import User

    client = Client(enforce_csrf_checks=False)
    email = "triage@demo.schakel.test" if what == "queue" else "frontlijn@demo.schakel.test"
    client.force_login(User.objects.get(email=email))
    body = json.dumps(
        {"category": "graffiti", "observed_at": timezone.now().isoformat(), "description": "Profiel: tags."}
    )

    def one():
        if what == "queue":
            r = client.get("/signalen/wachtrij/")
        elif what == "bare":
            r = client.post("/bench/bare/", body, content_type="application/json")
        else:
            r = client.post("/api/v1/signals/signals/", body, content_type="application/json")
        assert r.status_code in (200, 201), r.status_code

    for _ in range(3):
        one()
    with CaptureQueriesContext(connection) as ctx:
        one()
    sql_ms = sum(float(q["time"]) for q in ctx.captured_queries) * 1000
    print(f"{what}: {len(ctx.captured_queries)} queries, SQL {sql_ms:.1f} ms")
    if "-v" in argv:
        for q in ctx.captured_queries:
            print(f"  {float(q['time']) * 1000:6.1f} ms  {q['sql'][:220]}")
    lat = []
    for _ in range(n):
        t = time.perf_counter()
        one()
        lat.append(time.perf_counter() - t)
    lat.sort()
    print(
        f"{what}: p50 {statistics.median(lat) * 1000:.1f} ms, p95 {lat[int(len(lat) * 0.95) - 1] * 1000:.1f} ms "
        f"({n} requests, load {os.getloadavg()[0]:.2f})"
    )
    if "--cprofile" in argv:
        prof = cProfile.Profile()
        prof.enable()
        for _ in range(20):
            one()
        prof.disable()
        pstats.Stats(prof).sort_stats("cumulative").print_stats(40)
        pstats.Stats(prof).sort_stats("tottime").print_stats(25)
    reset_queries()


if __name__ == "__main__":
    main(sys.argv[1:])
