"""Reference data (partners and their units) and the fictitious demo accounts."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.contrib.auth.models import Group
from django.utils import timezone

from schakel.core.seeding import read_yaml

from .models import Organisation, Unit, User

SEED_DIR = Path(__file__).resolve().parent / "seed"


def load_reference(out) -> None:
    data = read_yaml(SEED_DIR / "organisations.yaml")
    created = 0
    for row in data["organisations"]:
        org, was_created = Organisation.objects.get_or_create(
            code=row["code"], defaults={"name": row["name"], "kind": row["kind"], "kbo_number": row.get("kbo", "")}
        )
        created += was_created
        for unit in row.get("units", []):
            Unit.objects.get_or_create(organisation=org, code=unit["code"], defaults={"name": unit["name"]})
    out(f"organisations: {created} created")


def demo_users() -> dict:
    return read_yaml(SEED_DIR / "demo_users.yaml")


def load_demo(out) -> None:
    data = demo_users()
    created = 0
    for row in data["users"]:
        if User.objects.filter(email__iexact=row["email"]).exists():
            continue
        org = Organisation.objects.get(code=row["organisation"])
        user = User.objects.create_user(
            email=row["email"],
            password=data["password"],
            first_name=row["first_name"],
            last_name=row["last_name"],
            organisation=org,
            function_title=row["persona_label"],
            is_demo=True,
        )
        user.units.set(Unit.objects.filter(organisation=org, code__in=row.get("units", [])))
        user.groups.set(Group.objects.filter(name__in=row["roles"]))
        created += 1
    for row in data.get("unused", []):
        # Accounts nobody uses (accounts/home.py): not personas, and with an
        # unusable password, so nobody signs in with them.
        if User.objects.filter(email__iexact=row["email"]).exists():
            continue
        org = Organisation.objects.get(code=row["organisation"])
        now = timezone.now()
        last = row.get("last_login_days_ago")
        user = User.objects.create_user(
            email=row["email"],
            password=None,
            first_name=row["first_name"],
            last_name=row["last_name"],
            organisation=org,
            function_title=row["function_title"],
            is_demo=True,
            date_joined=now - timedelta(days=row["joined_days_ago"]),
            last_login=now - timedelta(days=last) if last is not None else None,
        )
        user.units.set(Unit.objects.filter(organisation=org, code__in=row.get("units", [])))
        user.groups.set(Group.objects.filter(name__in=row["roles"]))
        created += 1
    out(f"demo users: {created} created")
    if not settings.DEMO_MODE:
        out("warning: demo users exist but SCHAKEL_MODE is not demo, so they need MFA like everyone")
