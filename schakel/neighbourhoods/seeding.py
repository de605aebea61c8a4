"""Reference data (checklist, themes) and the fictitious demo of the
neighbourhoods app: the four incidents named in the seed plan (positions and
dates fictitious), QRT activities, wijkschouw walks and behangtafel sessions."""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

from django.utils import timezone

from schakel.core.seeding import read_yaml

from .models import (
    ChecklistItem,
    ChecklistTemplate,
    Incident,
    Proposal,
    ProposalTheme,
    QrtActivity,
    RetentionRule,
    Walk,
)

SEED = Path(__file__).parent / "seed"


def load_reference(out) -> None:
    data = read_yaml(SEED / "reference.yaml")
    for c in data["checklists"]:
        template, created = ChecklistTemplate.objects.get_or_create(
            name=c["name"], defaults={"description": c["description"], "scale": c["scale"]}
        )
        if created:
            for order, (label, weight) in enumerate(c["items"], start=1):
                ChecklistItem.objects.create(template=template, order=order, label=label, weight=weight)
    for order, name in enumerate(data["themes"], start=1):
        ProposalTheme.objects.get_or_create(name=name, defaults={"order": order})
    for code, months in data["retention"].items():
        RetentionRule.objects.get_or_create(code=code, defaults={"months": months})
    out(
        f"neighbourhoods: {ChecklistTemplate.objects.count()} checklists, {ProposalTheme.objects.count()} themes, "
        f"{RetentionRule.objects.count()} retention rules"
    )


DEMO_INCIDENTS = [
    # street, house-number index, kind, when, summary. "when" is a month/day of
    # 2023 or, for the two newest, a number of days before the day the demo is
    # loaded, so the QRT's start page has recent incidents to show: one with
    # QRT activities linked to it, one (the newest) without any yet. All
    # dates and positions are fictitious.
    (
        "Bethaniënstraat",
        10,
        "explosion",
        (3, 14),
        "Explosie van een zelfgemaakt explosief (IED) aan een voordeur, 's nachts. Materiële schade aan de gevel en ramen van buren; geen gewonden.",
    ),
    (
        "Kalverenstraat",
        20,
        "explosion",
        (5, 2),
        "Explosie aan de voordeur van een woning, midden in de nacht. Zware schade aan de deur en de inkom; geen gewonden.",
    ),
    (
        "Jeanne Hellemansstraat",
        6,
        "explosion",
        12,
        "Explosief tot ontploffing gebracht aan een woning. Schade aan de woning en twee geparkeerde wagens; geen gewonden.",
    ),
    (
        "Zwartzustersberg",
        14,
        "explosion",
        3,
        "Explosie aan een voordeur, 's nachts. Materiële schade; geen slachtoffers.",
    ),
]


def _demo_photo():
    """A small drawn PNG standing in for a wijkschouw photo in the demo."""
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (480, 320), (214, 222, 227))
    draw = ImageDraw.Draw(image)
    draw.rectangle((40, 200, 440, 290), fill=(120, 132, 140))
    draw.ellipse((300, 150, 380, 230), fill=(11, 79, 108))
    draw.text((40, 40), "Demo: fictieve schouwfoto", fill=(20, 20, 20))
    out = io.BytesIO()
    image.save(out, format="PNG")
    return SimpleUploadedFile("demo.png", out.getvalue(), content_type="image/png")


def load_demo(out) -> None:
    from schakel.core.testing import persona_user
    from schakel.places.models import Address, Area

    from . import services

    if Incident.objects.filter(is_demo=True).exists():
        out("neighbourhoods: demo already loaded")
        return
    qrt = persona_user("qrt")
    rng = random.Random(2023)
    incidents = []
    today = timezone.localdate()
    for street, index, kind, when, summary in DEMO_INCIDENTS:
        addresses = list(
            Address.objects.filter(street__name_nl=street, is_demo=True, box_number="").order_by("pk")[: index + 1]
        )
        if not addresses:
            out(f"neighbourhoods: no demo address in {street}; skipped")
            continue
        day = today - dt.timedelta(days=when) if isinstance(when, int) else dt.date(2023, *when)
        occurred = timezone.make_aware(dt.datetime.combine(day, dt.time(3, rng.randint(0, 59))))
        incidents.append(
            services.incident_create(
                actor=qrt,
                address=addresses[-1],
                location_label=street,
                kind=kind,
                occurred_at=occurred,
                public_summary=summary + " (Demo: datum en positie fictief.)",
                damage="Voordeur, ramen en gevel (fictief demovoorbeeld).",
                is_demo=True,
            )
        )
    areas = list(Area.objects.filter(code__startswith="demo-").order_by("code"))
    kinds = [k for k, _label in QrtActivity.Kind.choices]
    for n in range(60):
        incident = incidents[n % len(incidents)] if incidents and n % 3 == 0 else None
        kind = "informing" if incident else rng.choice(kinds)
        base = incident or None
        lat = (base.lat if base else 51.028) + rng.uniform(-0.002, 0.002)
        lon = (base.lon if base else 4.48) + rng.uniform(-0.003, 0.003)
        date = today - dt.timedelta(days=rng.randint(0, 120))
        if incident is not None and incident.location_label == DEMO_INCIDENTS[-1][0]:
            incident = None  # the newest incident waits for its first QRT activity
        elif incident is not None:
            date = max(date, timezone.localdate(incident.occurred_at))  # never before the incident
        services.qrt_activity_create(
            actor=qrt,
            kind=kind,
            date=date,
            duration_minutes=rng.choice([30, 45, 60, 90, 120]),
            lat=lat,
            lon=lon,
            incident=incident,
            residents_reached=rng.randint(5, 40) if kind in ("informing", "resident_contact") else rng.randint(0, 5),
            notes="Fictieve demoregistratie.",
            prevpol_referral=kind == "nuisance",
            is_demo=True,
        )
    template = ChecklistTemplate.objects.filter(scale="crow", is_active=True).order_by("pk").first()
    items = list(template.items.filter(is_active=True)) if template else []
    levels = ["D", "C", "B", "A", "A+"]
    for area_index, area in enumerate(a for a in areas if a.kind == "district"):
        if area_index > 1:
            break
        for k in range(6):
            walk = services.walk_create(
                actor=qrt, template=template, date=today - dt.timedelta(days=60 * (6 - k)), area=area, is_demo=True
            )
            for n_item, item in enumerate(items):
                level = min(4, max(0, 1 + k // 2 + rng.choice([-1, 0, 0, 1]) - area_index))
                # the newest walk of each area has one photo (a drawn placeholder, no real place)
                photo = _demo_photo() if k == 5 and n_item == 0 else None
                services.walk_score_add(actor=qrt, walk=walk, item=item, value=levels[level], photo=photo)
            if k == 5 and items:
                services.followup_create(
                    actor=qrt, walk=walk, service="Dienst Openbaar Domein", description="Verlichting herstellen (demo)."
                )
    themes = list(ProposalTheme.objects.filter(is_active=True))
    for k, area in enumerate(areas[:3]):
        session = services.behangtafel_session_create(
            actor=qrt,
            date=today - dt.timedelta(days=30 + 20 * k),
            place=f"Pleintje {area.name} (demo)",
            area=area,
            residents_count=12 + 5 * k,
            notes="Fictieve demosessie.",
            is_demo=True,
        )
        for j, text in enumerate(
            ["Meer verlichting in de steegjes", "Een buurtfeest in het voorjaar", "Bankjes bij de speeltuin"]
        ):
            p = services.proposal_add(
                actor=qrt, session=session, text=text, theme=themes[(j + k) % len(themes)], support_count=3 + j * 4
            )
            if j == 0:
                services.proposal_set_status(actor=qrt, proposal=p, status=Proposal.Status.IN_PROGRESS)
    out(
        f"neighbourhoods: {len(incidents)} incidents, {QrtActivity.objects.count()} QRT activities, "
        f"{Walk.objects.count()} walks"
    )
