"""In-process profile of the signals intake and queue (no HTTP server, one client).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/schakel_bench_signals \\
        .venv/bin/python bench/signals/inprocess.py [queue|intake|bare|floor-drf|floor-validate|floor-insert] [--cprofile] [--split]

Prints p50/p95 service time and the queries of one request; with --cprofile
the 30 most expensive functions (cumulative) of 20 requests; with --split
(intake) the median CPU time of each stage of the intake (DRF's checks and
validation, the service, the process start, the audit write, the response)
next to the bare view's, and what the ratio could at best be if a stage cost
nothing.
"""

from __future__ import annotations

import cProfile
import functools
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
        elif what.startswith("floor-"):  # floor-drf, floor-validate, floor-insert: see bench/signals/urls.py
            r = client.post(f"/bench/floor/{what[6:]}/", body, content_type="application/json")
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
    if "--split" in argv and what == "intake":
        split(one, client, n=max(n, 100))
    if "--cprofile" in argv:
        prof = cProfile.Profile()
        prof.enable()
        for _ in range(20):
            one()
        prof.disable()
        pstats.Stats(prof).sort_stats("cumulative").print_stats(40)
        pstats.Stats(prof).sort_stats("tottime").print_stats(25)
    reset_queries()


def split(one, client, *, n: int) -> None:
    """Median process CPU per stage over ``n`` intakes, against the bare view."""
    from rest_framework import serializers
    from rest_framework.views import APIView

    from schakel.audit import services as audit
    from schakel.signals import api
    from schakel.signals import services as signals
    from schakel.workflows import services as workflows

    cpu: dict[str, list[float]] = {}

    def timed(owner, name, label):
        fn = getattr(owner, name)

        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            t = time.process_time()
            try:
                return fn(*args, **kwargs)
            finally:
                cpu.setdefault(label, []).append(time.process_time() - t)

        setattr(owner, name, wrapper)

    timed(APIView, "initial", "DRF authentication and permission checks")
    timed(serializers.Serializer, "is_valid", "DRF validation of the posted JSON")
    timed(signals, "signal_create", "service signal_create (all of it)")
    timed(workflows, "instance_start", "  of which: BPMN process start and its rows")
    timed(audit, "record_write", "  of which: audit event")
    timed(api.SignalListCreate, "post", "view post (validation, service, response)")
    signals.workflows.instance_start = workflows.instance_start

    def cpu_of(request) -> float:
        t = time.process_time()
        request()
        return time.process_time() - t

    bare_body = json.dumps({"category": "graffiti", "description": "Profiel: tags."})
    total = [cpu_of(one) for _ in range(n)]
    bare = [cpu_of(lambda: client.post("/bench/bare/", bare_body, content_type="application/json")) for _ in range(n)]
    med = {k: statistics.median(v) * 1000 for k, v in cpu.items()}
    t_total, t_bare = statistics.median(total) * 1000, statistics.median(bare) * 1000
    print(f"\nCPU per request, median of {n} (load {os.getloadavg()[0]:.2f}):")
    print(f"  {'bare JSON POST view (whole request)':50s} {t_bare:6.2f} ms")
    print(f"  {'intake (whole request)':50s} {t_total:6.2f} ms   ratio {t_bare / t_total:.1%}")
    order = [
        "DRF authentication and permission checks",
        "view post (validation, service, response)",
        "DRF validation of the posted JSON",
        "service signal_create (all of it)",
        "  of which: BPMN process start and its rows",
        "  of which: audit event",
    ]
    for label in order:
        print(f"  {label:50s} {med.get(label, 0.0):6.2f} ms")
    service = med["service signal_create (all of it)"]
    print(f"  best ratio if the service cost nothing: {t_bare / (t_total - service):.1%}")
    print(f"  best ratio if only the service ran (no DRF): {t_bare / (t_bare + service):.1%}")


if __name__ == "__main__":
    main(sys.argv[1:])
