"""Case list and case page latency with many cases.

    .venv/bin/python -m bench.cases.bench_cases --n 100000 [--repeat 60]

Uses its own database: ``var/bench-cases.sqlite3`` unless BENCH_DATABASE_URL
is set (e.g. a PostgreSQL database created for the benchmark). The data is
generated once and topped up to ``--n`` cases on the next run, so running
with --n 10000 and then --n 100000 compares query counts at both sizes.
Requests go through the Django test client (full middleware, templates,
audit writes), signed in as one member of 200 of the cases.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
os.environ["DATABASE_URL"] = os.environ.get("BENCH_DATABASE_URL", f"sqlite:///{ROOT / 'var' / 'bench-cases.sqlite3'}")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "schakel.settings")
sys.path.insert(0, str(ROOT))

import django  # noqa: E402

django.setup()

from django.contrib.auth.models import Group, Permission  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from schakel.accounts.models import Organisation, User  # noqa: E402
from schakel.cases.models import Case, CaseMember, CaseSubject  # noqa: E402
from schakel.legal.models import CodeAcceptance, CodeVersion, LegalGround  # noqa: E402
from schakel.subjects import services as subject_services  # noqa: E402
from schakel.subjects.models import Subject  # noqa: E402

PERMS = ["view_case", "add_case", "participate_obh", "participate_youth", "participate_other"]
BENCH_EMAIL = "bench-member@bench.schakel.test"


def pct(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def setup_reference():
    call_command("migrate", verbosity=0)
    from schakel.legal.seeding import load_reference

    load_reference(lambda m: None)
    org, _ = Organisation.objects.get_or_create(code="bench-city", defaults={"name": "Bench stad", "kind": "city"})
    group, _ = Group.objects.get_or_create(name="bench-cases")
    group.permissions.set(
        Permission.objects.filter(content_type__app_label="cases", codename__in=PERMS)
        | Permission.objects.filter(content_type__app_label="subjects", codename="add_subject")
    )
    users = list(User.objects.filter(email__endswith="@bench.schakel.test").order_by("pk"))
    if not users:
        for i in range(100):
            u = User.objects.create_user(
                email=f"bench-{i}@bench.schakel.test",
                password="x",
                first_name="Bench",
                last_name=f"User{i}",
                organisation=org,
            )
            users.append(u)
        users.append(
            User.objects.create_user(
                email=BENCH_EMAIL, password="x", first_name="Bench", last_name="Member", organisation=org
            )
        )
    # Fictitious bench accounts count as demo accounts (no MFA in demo mode).
    User.objects.filter(email__endswith="@bench.schakel.test").update(is_demo=True)
    for u in users:
        u.groups.add(group)
    version = CodeVersion.objects.order_by("-number").first()
    for u in users:
        CodeAcceptance.objects.get_or_create(user=u, version=version, defaults={"accepted_at": timezone.now()})
    return users


def top_up(n: int, users) -> None:
    have = Case.objects.count()
    if have >= n:
        return
    ground = LegalGround.objects.get(code="art-458ter-sw")
    member = User.objects.get(email=BENCH_EMAIL)
    others = [u for u in users if u.pk != member.pk]
    rng = random.Random(have)
    now = timezone.now()
    batch = 5000
    print(f"generating cases {have:,} -> {n:,} ...", flush=True)
    t0 = time.perf_counter()
    while have < n:
        size = min(batch, n - have)
        with transaction.atomic():
            cases = Case.objects.bulk_create(
                [
                    Case(
                        case_type=rng.choice(["obh", "obh", "youth", "other"]),
                        title=f"Bench casus {have + i}",
                        status=rng.choice(["aangemeld", "besproken", "plan", "uitvoering", "opvolging", "afgesloten"]),
                        legal_ground=ground,
                        owner=rng.choice(others),
                        registered_at=now,
                    )
                    for i in range(size)
                ]
            )
            members = []
            for c in cases:
                members.append(CaseMember(case=c, user=c.owner, role="owner", legal_ground=ground, added_by=c.owner))
                partner = rng.choice(others)
                if partner.pk != c.owner_id:
                    members.append(
                        CaseMember(case=c, user=partner, role="partner", legal_ground=ground, added_by=c.owner)
                    )
            CaseMember.objects.bulk_create(members)
            subjects = Subject.objects.bulk_create(
                [Subject(kind="vehicle", identifier=f"B{have + i}") for i in range(size)]
            )
            with connection.cursor() as cur:
                cur.executemany(
                    "INSERT INTO subjects_vehicle (subject_ptr_id, plate, description) VALUES (%s, %s, %s)",
                    [(s.pk, s.identifier, "bench") for s in subjects],
                )
            CaseSubject.objects.bulk_create(
                [
                    CaseSubject(case=c, subject=s, role="vehicle", added_by=c.owner)
                    for c, s in zip(cases, subjects, strict=True)
                ]
            )
        have += size
    print(f"  {time.perf_counter() - t0:.0f} s", flush=True)
    # The measured user is a member of 200 cases spread over the table.
    mine = CaseMember.objects.filter(user=member).count()
    if mine < 200:
        ids = list(Case.objects.order_by("?").values_list("pk", flat=True)[: 200 - mine])
        CaseMember.objects.bulk_create(
            [CaseMember(case_id=pk, user=member, role="partner", legal_ground=ground, added_by=member) for pk in ids]
        )
        for pk in ids[:20]:  # a few real persons on some of them
            case = Case.objects.get(pk=pk)
            for j in range(3):
                p = subject_services.person_create(actor=member, first_name="Bench", last_name=f"Persoon{pk}x{j}")
                CaseSubject.objects.create(case=case, subject=p, role="involved", added_by=member)


def measure(path_fn, repeat, client):
    times, counts = [], set()
    for i in range(repeat):
        path = path_fn(i)
        with CaptureQueriesContext(connection) as ctx:
            t0 = time.perf_counter()
            response = client.get(path)
            times.append((time.perf_counter() - t0) * 1000)
        assert response.status_code == 200, (path, response.status_code)
        counts.add(len(ctx.captured_queries))
    return times, counts, " ".join(f"{x:.2f}" for x in os.getloadavg())


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=60)
    args = parser.parse_args()
    users = setup_reference()
    top_up(args.n, users)
    # Planner statistics, as PostgreSQL's autovacuum keeps them; SQLite needs an
    # explicit ANALYZE (or PRAGMA optimize) after bulk loads, else it scans.
    with connection.cursor() as cur:
        cur.execute("ANALYZE")
    member = User.objects.get(email=BENCH_EMAIL)
    client = Client()
    client.force_login(member)
    mine = list(CaseMember.objects.filter(user=member).values_list("case_id", flat=True))
    client.get("/casussen/")  # warm up
    print(f"database: {connection.vendor}; cases: {Case.objects.count():,}; member of {len(mine)}")
    results = {
        "case list": measure(lambda i: "/casussen/", args.repeat, client),
        "case list, filtered": measure(lambda i: "/casussen/?type=obh&status=plan&q=casus", args.repeat, client),
        "case list, page 5": measure(lambda i: "/casussen/?page=5", args.repeat, client),
        "case page": measure(lambda i: f"/casussen/{mine[i % len(mine)]}/", args.repeat, client),
    }
    for name, (times, counts, load) in results.items():
        print(
            f"{name:22s} p50 {pct(times, 50):6.1f} ms  p95 {pct(times, 95):6.1f} ms  queries {sorted(counts)}  "
            f"(load average {load})"
        )


if __name__ == "__main__":
    main()
