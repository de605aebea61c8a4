"""Fictitious demo cases. Every name is obviously invented ("Demo-…") and
every subject is flagged ``is_demo``. Idempotent: skipped when demo cases exist."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q
from django.utils import timezone

from schakel.accounts.models import Organisation, User
from schakel.legal.models import LegalGround, LegalInstrument
from schakel.subjects import services as subject_services

from . import services
from .models import Case, CaseMember, CaseRetentionRule, CaseSubject, CaseType, Meeting, Track

# Retention after closing, per case type: proposals for the DPOs (see
# docs/cases.md § Retention); an administrator edits them on /casussen/bewaartermijnen/.
RETENTION = {
    CaseType.OBH: (
        60,
        "Voorstel: 5 jaar na afsluiten (beroep tegen en herhaling van bestuurlijke maatregelen); "
        "AVG art. 5.1.e; vast te leggen in het protocolakkoord OBH.",
    ),
    CaseType.YOUTH: (
        24,
        "Voorstel: 2 jaar na afsluiten (minimale bewaring bij minderjarigen, OD2.3); "
        "AVG art. 5.1.e; art. 458ter Sw. (casusoverleg).",
    ),
    CaseType.OTHER: (36, "Voorstel: 3 jaar na afsluiten; AVG art. 5.1.e; vast te leggen in het protocolakkoord."),
}


def load_reference(out) -> None:
    """Retention rules per case type; an existing row (maybe edited) is kept."""
    made = 0
    for case_type, (months, basis) in RETENTION.items():
        _row, created = CaseRetentionRule.objects.get_or_create(
            case_type=case_type, defaults={"months_after_close": months, "legal_basis": basis}
        )
        made += created
    out(f"cases reference: {made} retention rules created")


def _link_demo_signal(case: Case, actor: User) -> None:
    """Link one fictitious demo signal ``actor`` sees to the demo OBH case."""
    from schakel.signals import selectors as signal_selectors

    signal = (
        signal_selectors.signals_visible_to(actor)
        .filter(is_demo=True)
        .exclude(Q(category__is_youth=True) | Q(category__parent__is_youth=True))
        .order_by("created_at")
        .first()
    )
    if signal is not None:
        services.case_signal_link(
            actor=actor, case=case, signal=signal, note="Vaststelling ter plaatse bevestigt het patroon (demo)."
        )


def _persona(code: str) -> User:
    return User.objects.get(email=f"{code}@demo.schakel.test")


def load_demo(out) -> None:
    if Case.objects.filter(is_demo=True).exists():
        out("cases demo: already present")
        return
    handhaving, liec, parket, osp = (_persona(p) for p in ("handhaving", "liec", "parket", "osp"))
    art458 = LegalGround.objects.get(code="art-458ter-sw")
    protocol = LegalGround.objects.get(code="protocol-obh-mechelen")

    shop = services.case_open(
        actor=handhaving,
        case_type="obh",
        title="Nachtwinkel met opvallend weinig klanten",
        legal_ground=art458,
        is_demo=True,
    )
    services.case_member_add(
        actor=handhaving, case=shop, user=liec, role=CaseMember.Role.PARTNER, legal_ground=protocol
    )
    services.case_member_add(
        actor=handhaving, case=shop, user=parket, role=CaseMember.Role.PARTNER, legal_ground=art458
    )
    enterprise = subject_services.enterprise_create(
        actor=handhaving,
        name="Demo Nachtwinkel Fictief",
        kbo_number="0403.170.701",
        legal_form="BV",
        nace_code="47.112",
        is_demo=True,
    )
    premises = subject_services.establishment_create(
        actor=handhaving,
        name="Demo Nachtwinkel Fictief",
        address_text="Demostraat 1, 2800 Mechelen",
        sector="nachtwinkel",
        permits="uitbatingsvergunning nachtwinkel (demo)",
        is_demo=True,
    )
    operator = subject_services.person_create(
        actor=handhaving,
        first_name="Demo",
        last_name="Uitbater-Fictief",
        birth_date=dt.date(1980, 1, 1),
        is_demo=True,
    )
    for subject, role in ((enterprise, "enterprise"), (premises, "premises"), (operator, "operator")):
        services.case_subject_add(actor=handhaving, case=shop, subject=subject, role=role)
    services.case_link_create(
        actor=handhaving,
        case=shop,
        source_subject_id=operator.pk,
        target_subject_id=enterprise.pk,
        link_type="manages",
        source="KBO (demo)",
    )
    services.case_link_create(
        actor=handhaving,
        case=shop,
        source_subject_id=enterprise.pk,
        target_subject_id=premises.pk,
        link_type="uses",
        source="Uitbatingsvergunning (demo)",
    )
    # The LIEC analyst sees the premises signal his team triaged; the owner
    # (city) does not, and keeps not seeing its content after the link.
    _link_demo_signal(shop, liec)
    services.case_status_change(actor=handhaving, case=shop, to_status="besproken")
    services.case_status_change(actor=handhaving, case=shop, to_status="plan")
    city = Organisation.objects.get(code="stad-mechelen")
    services.intervention_add(
        actor=handhaving,
        case=shop,
        track=Track.ADMINISTRATIVE,
        instrument=LegalInstrument.objects.get(code="integriteitsonderzoek"),
        description="Integriteitsonderzoek opstarten",
        responsible_organisation=city,
    )

    carwash = services.case_open(
        actor=liec, case_type="obh", title="Carwash met overnachtende werknemers", legal_ground=art458, is_demo=True
    )
    services.case_member_add(
        actor=liec, case=carwash, user=handhaving, role=CaseMember.Role.PARTNER, legal_ground=protocol
    )
    services.case_member_add(actor=liec, case=carwash, user=parket, role=CaseMember.Role.PARTNER, legal_ground=art458)
    vehicle = subject_services.vehicle_create(
        actor=liec, plate="1-DEM-001", description="bestelwagen (demo)", is_demo=True
    )
    services.case_subject_add(actor=liec, case=carwash, subject=vehicle, role=CaseSubject.Role.VEHICLE)

    youth = services.case_open(
        actor=osp, case_type="youth", title="Jongere met signalen van rekrutering", legal_ground=art458, is_demo=True
    )
    services.case_member_add(actor=osp, case=youth, user=parket, role=CaseMember.Role.PARTNER, legal_ground=art458)
    young = subject_services.person_create(
        actor=osp, first_name="Demo", last_name="Jongere-Fictief", birth_date=dt.date(2010, 5, 5), is_demo=True
    )
    services.case_subject_add(actor=osp, case=youth, subject=young, role=CaseSubject.Role.YOUNG_PERSON)

    start = timezone.localtime().replace(hour=14, minute=0, second=0, microsecond=0) + dt.timedelta(days=7)
    meeting = services.meeting_create(
        actor=handhaving,
        meeting_type=Meeting.Type.OBH,
        title="OBH Mechelen (demo)",
        starts_at=start,
        ends_at=start + dt.timedelta(hours=2),
        location="Stadhuis, zaal 1 (demo)",
        participants=[liec, parket],
        is_demo=True,
    )
    services.meeting_item_add(actor=handhaving, meeting=meeting, case=shop)
    services.meeting_item_add(actor=handhaving, meeting=meeting, case=carwash)
    out("cases demo: 3 cases, 1 meeting")
