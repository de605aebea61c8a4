"""Signals benchmark: intake throughput through the full stack next to a bare
JSON POST view, and the triage-queue page latency, with many signals.

Needs PostgreSQL (DATABASE_URL, a scratch database: it is migrated and filled)
and gunicorn. Defaults: 1,000,000 signals, 2 gunicorn workers, 4 client threads.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/schakel_bench_signals \\
        .venv/bin/python bench/run.py signals

Knobs: BENCH_SIGNALS (rows to generate), BENCH_INTAKE (POSTs), BENCH_BARE,
BENCH_QUEUE (GETs), BENCH_SERIAL (queue GETs with one client; 0 = skip),
BENCH_FLOORS (POSTs per floor view, see bench/signals/urls.py; 0 = skip),
BENCH_THREADS, BENCH_WORKERS, BENCH_PORT. Every line prints the load average
and the gunicorn workers' CPU time per request (from /proc), which the other
load on a shared machine does not inflate the way it inflates latency.
"""

from __future__ import annotations

import http.client
import json
import os
import statistics
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ["DJANGO_SETTINGS_MODULE"] = "bench.signals.settings"

if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
    print("signals benchmark: skipped (set DATABASE_URL to a scratch PostgreSQL database)")
    sys.exit(0)


def _ensure_database(url: str) -> None:
    """Create the scratch database if it does not exist yet (a fresh machine)."""
    from urllib.parse import urlsplit, urlunsplit

    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')
            print(f"created database {name}", flush=True)


_ensure_database(os.environ["DATABASE_URL"])

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY  # noqa: E402
from django.contrib.sessions.backends.db import SessionStore  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.middleware.csrf import _get_new_csrf_string, _mask_cipher_secret  # noqa: E402
from django.utils import timezone  # noqa: E402

N = int(os.environ.get("BENCH_SIGNALS", "1000000"))
INTAKE = int(os.environ.get("BENCH_INTAKE", "400"))
BARE = int(os.environ.get("BENCH_BARE", "2000"))
QUEUE = int(os.environ.get("BENCH_QUEUE", "300"))
THREADS = int(os.environ.get("BENCH_THREADS", "4"))
WORKERS = int(os.environ.get("BENCH_WORKERS", "2"))
PORT = int(os.environ.get("BENCH_PORT", "8765"))
SERIAL = int(os.environ.get("BENCH_SERIAL", "100"))
FLOORS = int(os.environ.get("BENCH_FLOORS", "1000"))  # requests per floor; 0 = skip
OPEN_SHARE = 0.02  # share of signals with an open step


def setup_data() -> None:
    from schakel.accounts.models import Unit
    from schakel.signals import seeding as signal_seeding
    from schakel.signals.models import Category, Signal
    from schakel.workflows.testing import seed_minimal

    call_command("migrate", verbosity=0)
    if not Category.objects.exists():
        seed_minimal()
        signal_seeding.load_reference(print)
    have = Signal.objects.count()
    if have >= N:
        print(f"data: {have:,} signals present")
        with connection.cursor() as cur:
            cur.execute("VACUUM ANALYZE signals_signal")
        return
    cats = list(Category.objects.filter(parent__isnull=False).values_list("pk", flat=True))
    units = list(
        Unit.objects.filter(
            code__in=["preventie-veiligheid", "outreach", "liec", "bestuurlijke-handhaving"]
        ).values_list("pk", flat=True)
    )
    t0 = time.perf_counter()
    # Generated in the database (generate_series): Python objects would take
    # half an hour for a million rows. Bench-only, PostgreSQL-only SQL.
    sql = """
        INSERT INTO signals_signal (
            created_at, updated_at, channel, reporter_organisation, reporter_function, reporter_contact,
            observed_at, category_id, location_text, description, subjects_text, youth_identifier,
            confidentiality, status, current_task, task_due_at, triage_due_at, triaged_at, team_id,
            x, y, cell, feedback, feedback_review, feedback_proposed, lookup_hash, is_demo)
        SELECT c, c, (ARRAY['staff','staff','partner','sector'])[1 + (g %% 4)], '', '', '',
            c - interval '2 hours', (%(cats)s::int[])[1 + (g %% %(ncat)s)], '', 'Benchmarksignaal (fictief).', '', '',
            'normal',
            CASE WHEN o THEN 'triage' ELSE 'closed' END,
            CASE WHEN o THEN 'Volledigheid en relevantie beoordelen' ELSE '' END,
            CASE WHEN o THEN c + interval '5 days' END,
            c + interval '5 days',
            CASE WHEN o THEN NULL ELSE c + (random() * interval '200 hours') END,
            (%(units)s::int[])[1 + ((g / 7) %% %(nunit)s)],
            x, y, floor(x / 250)::bigint * 100000 + floor(y / 250)::bigint, '', '', '', '', true
        FROM (
            SELECT g, now() - random() * interval '1095 days' AS c, random() < %(open)s AS o,
                   646000 + random() * 8000 AS x, 696000 + random() * 8000 AS y
            FROM generate_series(1, %(n)s) AS g
        ) AS s
    """
    with connection.cursor() as cur:
        cur.execute(
            sql,
            {
                "cats": cats,
                "ncat": len(cats),
                "units": units,
                "nunit": len(units),
                "open": OPEN_SHARE,
                "n": N - have,
            },
        )
    with connection.cursor() as cur:
        cur.execute("VACUUM ANALYZE signals_signal")
    print(f"data: generated {N - have:,} signals in {time.perf_counter() - t0:.0f} s")


def session_cookie(email: str) -> tuple[str, str]:
    from schakel.accounts.models import User

    user = User.objects.get(email=email)
    s = SessionStore()
    s[SESSION_KEY] = str(user.pk)
    s[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    s[HASH_SESSION_KEY] = user.get_session_auth_hash()
    s.create()
    secret = _get_new_csrf_string()
    return f"{settings.SESSION_COOKIE_NAME}={s.session_key}; {settings.CSRF_COOKIE_NAME}={secret}", _mask_cipher_secret(
        secret
    )


_local = threading.local()


def _conn():
    if not hasattr(_local, "c"):
        _local.c = http.client.HTTPConnection("127.0.0.1", PORT, timeout=60)
    return _local.c


def request(method, path, cookie, token=None, body=None):
    headers = {"Cookie": cookie, "Host": "127.0.0.1", "Referer": f"http://127.0.0.1:{PORT}/"}
    if body is not None:
        headers["Content-Type"] = "application/json"
    if token:
        headers["X-CSRFToken"] = token
    t = time.perf_counter()
    c = _conn()
    c.request(method, path, body=body, headers=headers)
    r = c.getresponse()
    r.read()
    return r.status, time.perf_counter() - t


_server_pid = None


def _worker_cpu() -> float:
    """CPU seconds (user + system) used so far by the gunicorn workers: the
    server's cost per request, which other load on the machine does not
    inflate the way it inflates latency."""
    if _server_pid is None:
        return 0.0
    total = 0.0
    tick = os.sysconf("SC_CLK_TCK")
    try:
        children = Path(f"/proc/{_server_pid}/task/{_server_pid}/children").read_text().split()
    except OSError:
        return 0.0
    for pid in children:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / tick
    return total


def run(label, n, fn):
    cpu0 = _worker_cpu()
    t0 = time.perf_counter()
    with ThreadPoolExecutor(THREADS) as pool:
        results = list(pool.map(lambda i: fn(i), range(n)))
    took = time.perf_counter() - t0
    cpu_ms = (_worker_cpu() - cpu0) / n * 1000
    statuses = {}
    for st, _ in results:
        statuses[st] = statuses.get(st, 0) + 1
    lat = sorted(d for _, d in results)
    p50, p95 = statistics.median(lat) * 1000, lat[int(len(lat) * 0.95) - 1] * 1000
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    print(
        f"{label}: {n} requests in {took:.1f} s = {n / took:.1f}/s; p50 {p50:.0f} ms, p95 {p95:.0f} ms; "
        f"worker CPU {cpu_ms:.1f} ms/request; status {statuses}; load average {load}",
        flush=True,
    )
    return n / took, p95, cpu_ms


def main() -> None:
    global _server_pid
    print(f"start: load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}", flush=True)
    setup_data()
    from schakel.signals.models import Signal

    env = dict(os.environ, DJANGO_SETTINGS_MODULE="bench.signals.settings")
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "schakel.wsgi",
            "--workers",
            str(WORKERS),
            "--bind",
            f"127.0.0.1:{PORT}",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    _server_pid = server.pid
    try:
        for _ in range(100):
            try:
                http.client.HTTPConnection("127.0.0.1", PORT, timeout=1).request("GET", "/")
                break
            except OSError:
                time.sleep(0.2)
        cookie, token = session_cookie("frontlijn@demo.schakel.test")
        body = json.dumps(
            {
                "category": "graffiti",
                "observed_at": timezone.now().isoformat(),
                "description": "Benchmark: tags op de brug.",
            }
        )
        # warm-up
        for _ in range(10):
            request("POST", "/bench/bare/", cookie, token, body)
            request("POST", "/api/v1/signals/signals/", cookie, token, body)
        bare_rate, _, bare_cpu = run(
            "bare JSON POST", BARE, lambda i: request("POST", "/bench/bare/", cookie, token, body)
        )
        intake_rate, _, intake_cpu = run(
            "intake POST (API, process started)",
            INTAKE,
            lambda i: request("POST", "/api/v1/signals/signals/", cookie, token, body),
        )
        print(f"intake / bare = {intake_rate / bare_rate * 100:.1f} % (target >= 50 %)")
        if intake_cpu:
            print(f"worker CPU per request, bare / intake = {bare_cpu / intake_cpu * 100:.1f} %")
        if FLOORS:
            # Where the ratio is lost: the same POST through the layers the
            # intake cannot do without, each measured like the intake (see
            # bench/signals/urls.py). A floor's ratio is a ceiling for the
            # intake's: the intake does all of it and more.
            for label, url in (
                ("floor: DRF checks only", "/bench/floor/drf/"),
                ("floor: + validation", "/bench/floor/validate/"),
                ("floor: + one signal row (rolled back)", "/bench/floor/insert/"),
            ):
                for _ in range(10):
                    request("POST", url, cookie, token, body)
                rate, _p, cpu = run(label, FLOORS, lambda i, url=url: request("POST", url, cookie, token, body))
                print(
                    f"  {label} / bare = {rate / bare_rate * 100:.1f} % of the bare view's rate, "
                    f"worker CPU bare / floor = {bare_cpu / cpu * 100:.1f} %"
                )
        tcookie, _t = session_cookie("triage@demo.schakel.test")
        _r, p95, _c = run("triage queue page", QUEUE, lambda i: request("GET", "/signalen/wachtrij/", tcookie))
        _r, p95f, _c = run(
            "triage queue page, overdue filter",
            QUEUE // 2,
            lambda i: request("GET", "/signalen/wachtrij/?overdue=on", tcookie),
        )
        if SERIAL:
            # One client at a time: the service time without queueing behind
            # the other client threads (4 clients on 2 workers double p50).
            global THREADS
            THREADS = 1
            _r, p95s, _c = run(
                "triage queue page, one client", SERIAL, lambda i: request("GET", "/signalen/wachtrij/", tcookie)
            )
        print(f"queue p95 {p95:.0f} ms (target <= 150 ms); signals in database: {Signal.objects.count():,}")
    finally:
        server.terminate()
        server.wait(timeout=30)


if __name__ == "__main__":
    main()
