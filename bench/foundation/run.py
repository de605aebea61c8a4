"""Foundation benchmark: audit-trail append rate and chain verification speed.

Runs against a throw-away SQLite database (or DATABASE_URL if set, in a
database named by the test runner's conventions: use a scratch database).
Prints medians; reproduce with `make bench` or
`.venv/bin/python bench/run.py foundation`, and peak memory with
`/usr/bin/time -v .venv/bin/python bench/foundation/run.py`.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "schakel.settings")
if "DATABASE_URL" not in os.environ:
    os.environ["SCHAKEL_VAR_DIR"] = tempfile.mkdtemp(prefix="schakel-bench-")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402

from schakel.audit import services as audit  # noqa: E402
from schakel.audit.models import AuditEvent  # noqa: E402

N = int(os.environ.get("BENCH_AUDIT_EVENTS", "20000"))


def main() -> None:
    call_command("migrate", verbosity=0)
    start_count = AuditEvent.objects.count()
    samples = []
    t0 = time.perf_counter()
    for i in range(N):
        s = time.perf_counter()
        audit.record_write(actor=None, action="bench.write", obj=("bench.thing", i), summary="benchmark")
        samples.append(time.perf_counter() - s)
    total = time.perf_counter() - t0
    samples.sort()
    print(
        f"audit append: {N} events in {total:.2f} s = {N / total:,.0f} events/s; "
        f"p50 {statistics.median(samples) * 1000:.2f} ms, p95 {samples[int(len(samples) * 0.95)] * 1000:.2f} ms"
    )
    t0 = time.perf_counter()
    report = audit.verify_chain()
    took = time.perf_counter() - t0
    assert report.ok, report
    print(
        f"audit_verify: {report.checked:,} events in {took:.2f} s = {report.checked / took:,.0f} events/s "
        f"(engine: {django.db.connection.vendor}, events before run: {start_count})"
    )


if __name__ == "__main__":
    main()
