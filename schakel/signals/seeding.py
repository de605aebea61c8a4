"""Reference data of the signals app: categories (brief §4) and routing rules."""

from __future__ import annotations

from pathlib import Path

from schakel.accounts.models import Unit
from schakel.core.seeding import read_yaml

from .models import Category, RoutingRule

HERE = Path(__file__).parent


def load_reference(out) -> None:
    data = read_yaml(HERE / "seed" / "categories.yaml")
    created = 0
    for i, row in enumerate(data["categories"]):
        parent, was = Category.objects.get_or_create(
            code=row["code"],
            defaults={
                "name": row["name"],
                "is_youth": row.get("is_youth", False),
                "triage_days": row.get("triage_days"),
                "retention_months_no_followup": row.get("retention_months_no_followup"),
                "retention_months": row.get("retention_months"),
                "order": i * 10,
            },
        )
        created += was
        for j, child in enumerate(row.get("children", [])):
            _, was = Category.objects.get_or_create(
                code=child["code"], defaults={"name": child["name"], "parent": parent, "order": j * 10}
            )
            created += was
    rules = 0
    if not RoutingRule.objects.exists():
        for row in data["routing"]:
            org, unit = row["team"]
            team = Unit.objects.filter(organisation__code=org, code=unit).first()
            if team is None:
                continue
            category = Category.objects.get(code=row["category"]) if row.get("category") else None
            RoutingRule.objects.create(order=row["order"], category=category, team=team)
            rules += 1
    out(f"signals: {created} categories, {rules} routing rules")


# A 1×1 transparent PNG: the demo attachment.
_PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)


def _ground(code: str):
    """A legal ground of the legal app (its reference data is loaded before any demo)."""
    from schakel.legal.models import LegalGround

    ground = LegalGround.objects.filter(code=code, active=True).first()
    if ground is None:
        from schakel.legal import seeding as legal_seeding

        legal_seeding.load_reference(lambda msg: None)
        ground = LegalGround.objects.get(code=code)
    return ground


def load_demo(out) -> None:
    """Fictitious demo signals (idempotent): a few per main category, some triaged."""
    from datetime import timedelta

    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.utils import timezone

    from schakel.accounts.models import User
    from schakel.places.models import Address
    from schakel.workflows.models import WorkItem

    from . import services
    from .models import Signal

    if Signal.objects.filter(is_demo=True).exists():
        return
    users = {u.email.split("@")[0]: u for u in User.objects.filter(email__endswith="@demo.schakel.test")}
    if not {"frontlijn", "handhaving", "extern", "triage"} <= set(users):
        return
    addresses = list(Address.objects.filter(is_demo=True).order_by("pk")[:6])
    now = timezone.now()

    def make(code, who, text, days_ago, address_i=None, **kw):
        return services.signal_create(
            actor=users[who],
            category=Category.objects.get(code=code),
            description=text,
            observed_at=now - timedelta(days=days_ago),
            address=addresses[address_i] if address_i is not None and address_i < len(addresses) else None,
            is_demo=True,
            **kw,
        )

    def step(signal, who, choice="", note="", legal_ground=None, **kw):
        signal.refresh_from_db()
        item = WorkItem.objects.filter(
            instance_id__in=[signal.instance_id, signal.youth_instance_id], status=WorkItem.Status.OPEN
        ).first()
        services.signal_task_complete(
            actor=users[who], signal=signal, item_pk=item.pk, choice=choice, note=note, legal_ground=legal_ground, **kw
        )

    make(
        "graffiti",
        "frontlijn",
        "Nieuwe graffiti met tags op de gevel van een leegstaand pand (demo).",
        1,
        0,
        attachments=[SimpleUploadedFile("graffiti.png", _PNG)],
    )
    make("verlichting", "frontlijn", "Straatverlichting al een week stuk in het steegje (demo).", 3, 1)
    shop = make(
        "pand-kenmerken",
        "handhaving",
        "Winkelpand met afgeplakte ramen, 's nachts constant licht en geluid van ventilatie (demo).",
        6,
        2,
    )
    step(shop, "triage", "relevant")
    step(shop, "triage", "verder")
    # City -> police: a disclosure, on the OBH protocol agreement (legal app).
    step(shop, "triage", "politie", legal_ground=_ground("protocol-obh-mechelen"))
    make(
        "weinig-klanten-dure-wagens",
        "handhaving",
        "Café zonder klanten, elke dag dure wagens voor de deur (demo).",
        10,
        3,
    )
    make(
        "meerdere-gsms",
        "extern",
        "Leerling heeft sinds kort meerdere gsm's en dure kleren, spijbelt vaker (demo).",
        2,
        youth_identifier="A., 2011",
        channel=Signal.Channel.PARTNER,
        reporter_function="leerkracht",
    )
    # Closed by the OBH team with a written feedback that waits for the
    # triage team's review (four eyes): the review list and the start page
    # of the triage persona show it.
    busy = make(
        "pand-kenmerken",
        "frontlijn",
        "Pand waar 's nachts veel volk in en uit loopt, telkens maar enkele minuten (demo).",
        12,
        4,
    )
    for choice in ("relevant", "verder", "obh"):
        step(busy, "triage", choice)
    step(busy, "handhaving", feedback="Bedankt voor uw melding. We hebben ze bekeken en opgevolgd (demo).")
    services.invitation_create(
        actor=users["triage"],
        label="Demo: scholengroep",
        organisation_name="Demo-school (fictief)",
        days_valid=365,
        contact="preventiedienst, preventie@demo.schakel.test (fictief)",
    )
    out("signals: 6 demo signals (1 with feedback to review), 1 demo invitation")
