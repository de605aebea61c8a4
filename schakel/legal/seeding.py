"""Seed the Belgian legal defaults and the first version of the code."""

from __future__ import annotations

from pathlib import Path

from django.utils import timezone

from schakel.accounts.models import Organisation, User
from schakel.core.seeding import read_yaml

from .models import CodeAcceptance, CodeVersion, LegalGround, LegalInstrument, ProtocolAgreement

SEED = Path(__file__).resolve().parent / "seed" / "legal.yaml"


def load_reference(out) -> None:
    data = read_yaml(SEED)
    created = 0
    for row in data["legal_grounds"]:
        _, was = LegalGround.objects.get_or_create(
            code=row["code"],
            defaults={k: row.get(k, "") for k in ("name", "kind", "reference", "description")},
        )
        created += was
    for row in data["instruments"]:
        _, was = LegalInstrument.objects.get_or_create(
            code=row["code"], defaults={k: row.get(k, "") for k in ("name", "track", "reference", "description")}
        )
        created += was
    for row in data["protocols"]:
        if ProtocolAgreement.objects.filter(title=row["title"]).exists():
            continue
        protocol = ProtocolAgreement.objects.create(
            title=row["title"],
            purposes=row["purposes"],
            data_categories=row["data_categories"],
            recipients=row["recipients"],
            legal_basis=LegalGround.objects.get(code=row["legal_basis"]),
            periodicity=row.get("periodicity", ""),
            valid_from=row["valid_from"],
            publication_url=row.get("publication_url", ""),
        )
        protocol.parties.set(Organisation.objects.filter(code__in=row["parties"]))
        created += 1
    if not CodeVersion.objects.exists():
        CodeVersion.objects.create(
            number=1, title=data["code"]["title"], text=data["code"]["text"], published_at=timezone.now()
        )
        created += 1
    out(f"legal: {created} reference rows created")


def load_demo(out) -> None:
    """Demo personas have accepted the current code, so the demo opens cases
    directly; a newly created user still has to accept it first."""
    current = CodeVersion.objects.order_by("-number").first()
    created = 0
    for user in User.objects.filter(is_demo=True, email__endswith="@demo.schakel.test"):
        _, was = CodeAcceptance.objects.get_or_create(
            user=user, version=current, defaults={"accepted_at": timezone.now()}
        )
        created += was
    out(f"legal demo: {created} code acceptances")
